import { useChat } from "../use-chat.js";

/**
 * A person's picture when they have one (or a group's, by the path its
 * conversation carries), else the initial; presence as a dot when known.
 */
export function Avatar(props: { userId?: string; picture?: string; label: string; presence?: boolean }) {
  const { people, presence } = useChat("people", "presence");
  const url = props.picture
    ? people.picture(props.picture)
    : props.userId
      ? people.avatar(props.userId)
      : undefined;
  const state = props.presence && props.userId ? presence.presenceOf(props.userId) : undefined;
  return (
    <span className="avatar" aria-hidden="true">
      {url ? <img src={url} alt="" width={36} height={36} /> : props.label.slice(0, 1).toUpperCase()}
      {state && <span className={`presence ${state}`} data-testid="presence" />}
    </span>
  );
}
