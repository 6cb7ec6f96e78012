import type { UserCard } from "@starling/sdk";
import { NAV } from "./arrow-keys.js";
import { initialOf, nameOf } from "./people.js";

/** One person in a list: avatar, name and title; `label` replaces the spoken name when the button does something else than open the card. */
export function PersonButton(props: { card: UserCard; onClick(card: UserCard): void; label?: string }) {
  const { card } = props;
  const name = nameOf(card);
  return (
    <button
      type="button"
      className="contacts-person"
      {...NAV}
      aria-label={props.label}
      data-user={card.id}
      onClick={() => props.onClick(card)}
    >
      <span className="avatar" aria-hidden="true">
        {initialOf(name)}
      </span>
      <span className="contacts-person-main">
        <span className="contacts-person-name">{name}</span>
        {card.title && <span className="contacts-person-sub">{card.title}</span>}
      </span>
    </button>
  );
}
