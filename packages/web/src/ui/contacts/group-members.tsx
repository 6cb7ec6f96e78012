import type { Member, StarlingClient, UserCard } from "@starling/sdk";
import { useCallback, useEffect, useId, useRef, useState } from "react";
import { useStrings } from "../../i18n.js";
import { useChat } from "../../use-chat.js";
import { ErrorNote } from "./error-note.js";
import { initialOf, nameOf, useSdk } from "./people.js";
import { PeoplePicker } from "./people-picker.js";

/** Cards asked for per request (the server's limit). */
const CARDS_PER_REQUEST = 500;

async function cardsOf(client: StarlingClient, ids: string[]): Promise<Map<string, UserCard>> {
  const out = new Map<string, UserCard>();
  for (let i = 0; i < ids.length; i += CARDS_PER_REQUEST)
    for (const card of await client.directory.cards(ids.slice(i, i + CARDS_PER_REQUEST)))
      out.set(card.id, card);
  return out;
}

/** Whether someone with `myRole` may remove a member with `theirRole` (the server decides in the end). */
function mayRemove(myRole: string, theirRole: string): boolean {
  if (theirRole === "owner") return false;
  return myRole === "owner" || (myRole === "admin" && theirRole === "member");
}

/**
 * A group's members: everyone may add people; the owner and admins may
 * remove them. The list reloads when the group's member count changes.
 */
export function GroupMembers(props: { conversationId: string; onBack(): void; onOpen(id: string): void }) {
  const { session, conversations } = useChat("conversations");
  const sdk = useSdk();
  const { t } = useStrings();
  const id = props.conversationId;
  const conversation = conversations.get(id);
  const myRole = conversation?.role ?? "member";
  const [members, setMembers] = useState<Member[]>([]);
  const [cards, setCards] = useState<Map<string, UserCard>>(new Map());
  const [chosen, setChosen] = useState<UserCard[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const titleId = useId();
  const alive = useRef(true);
  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);

  const reload = useCallback(async () => {
    const list = await sdk().members(id);
    const found = await cardsOf(
      sdk(),
      list.map((m) => m.userId),
    );
    if (!alive.current) return;
    setMembers(list);
    setCards(found);
  }, [id, sdk]);

  const memberCount = conversation?.memberCount;
  useEffect(() => {
    if (memberCount === undefined) return;
    reload().catch((err: unknown) => {
      if (alive.current) setError(err);
    });
  }, [reload, memberCount]);

  const run = async (change: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await change();
      await reload();
    } catch (err) {
      if (alive.current) setError(err);
    } finally {
      if (alive.current) setBusy(false);
    }
  };
  const add = () =>
    run(async () => {
      await sdk().addMembers(
        id,
        chosen.map((c) => c.id),
      );
      setChosen([]);
    });
  const remove = (userId: string) => run(() => sdk().removeMembers(id, [userId]));
  const roleLabel = (role: string) =>
    role === "owner" ? t.contactsOwner : role === "admin" ? t.contactsAdmin : "";
  const name = conversation?.name ?? "";

  return (
    <section className="contacts-card" aria-labelledby={titleId}>
      <button type="button" className="link contacts-back" onClick={props.onBack}>
        ← {t.contactsBack}
      </button>
      <header className="contacts-card-head">
        <span className="avatar contacts-avatar-large" aria-hidden="true">
          {initialOf(name)}
        </span>
        <div>
          <h2 id={titleId}>{name}</h2>
          <button type="button" className="link" onClick={() => props.onOpen(id)}>
            {t.contactsOpenChat}
          </button>
        </div>
      </header>
      <ErrorNote error={error} />
      <h3 className="contacts-heading">
        {t.contactsMembers} ({members.length})
      </h3>
      <ul className="contacts-people" aria-label={t.contactsMembers}>
        {members.map((m) => {
          const who = nameOf(cards.get(m.userId), m.userId);
          return (
            <li key={m.userId} className="contacts-member" data-user={m.userId}>
              <span className="avatar" aria-hidden="true">
                {initialOf(who)}
              </span>
              <span className="contacts-person-main">
                <span className="contacts-person-name">
                  {who} {m.userId === session.userId && t.contactsMe}
                </span>
                {roleLabel(m.role) && <span className="contacts-person-sub">{roleLabel(m.role)}</span>}
              </span>
              {m.userId !== session.userId && mayRemove(myRole, m.role) && (
                <button
                  type="button"
                  className="link"
                  disabled={busy}
                  aria-label={`${t.contactsRemoveMember} ${who}`}
                  onClick={() => void remove(m.userId)}
                >
                  {t.contactsRemoveMember}
                </button>
              )}
            </li>
          );
        })}
      </ul>
      <PeoplePicker chosen={chosen} exclude={new Set(members.map((m) => m.userId))} onChange={setChosen} />
      <button
        type="button"
        className="contacts-primary"
        disabled={busy || chosen.length === 0}
        onClick={() => void add()}
      >
        {t.contactsAddToGroup}
      </button>
    </section>
  );
}
