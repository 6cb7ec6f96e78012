import type { Member, UserCard } from "@starling/sdk";
import { useEffect, useId, useState } from "react";
import { fill, useStrings } from "../../i18n.js";
import { useChat } from "../../use-chat.js";
import { Avatar } from "../avatar.js";
import { useSdk } from "../contacts/people.js";
import { PeoplePicker } from "../contacts/people-picker.js";

/** Whether someone with `myRole` may remove a member with `theirRole` (the server's rule, restated only to hide the button). */
function mayRemove(myRole: string, theirRole: string): boolean {
  if (theirRole === "owner") return false;
  return myRole === "owner" || (myRole === "admin" && theirRole === "member");
}

const ORDER: Record<string, number> = { owner: 0, admin: 1, member: 2 };

/**
 * The members of a group in its info panel, owner and admins first, with what
 * the user's role allows: the owner makes and unmakes admins and hands
 * ownership over (after a confirmation); the owner and admins remove people;
 * everyone adds people from the directory. The list reloads after each event
 * in the chat (roles change without the member count changing).
 */
export function PanelMembers(props: {
  conversationId: string;
  myRole: string;
  busy: boolean;
  run(action: () => Promise<unknown>): Promise<boolean>;
}) {
  const { t } = useStrings();
  const { session, people, conversations } = useChat("people", "conversations");
  const sdk = useSdk();
  const id = props.conversationId;
  const lastSeq = conversations.get(id)?.lastSeq;
  const [members, setMembers] = useState<Member[]>([]);
  const [chosen, setChosen] = useState<UserCard[]>([]);
  const [handingTo, setHandingTo] = useState<string | undefined>(undefined);
  const headingId = useId();
  const { run } = props;

  useEffect(() => {
    if (lastSeq === undefined) return;
    let live = true;
    void run(async () => {
      const list = await sdk().members(id);
      if (live) setMembers(list);
    });
    return () => {
      live = false;
    };
  }, [id, lastSeq, sdk, run]);

  const sorted = [...members].sort(
    (a, b) => (ORDER[a.role] ?? 3) - (ORDER[b.role] ?? 3) || a.userId.localeCompare(b.userId),
  );
  const roleLabel = (role: string) => (role === "owner" ? t.grOwner : role === "admin" ? t.grAdmin : "");
  const owner = props.myRole === "owner";

  return (
    <section aria-labelledby={headingId} className="group-panel-section">
      <h3 id={headingId}>
        {t.grMembers} ({members.length})
      </h3>
      <ul className="group-members" aria-labelledby={headingId}>
        {sorted.map((m) => {
          const who = people.displayName(m.userId);
          const me = m.userId === session.userId;
          return (
            <li key={m.userId} data-user={m.userId}>
              <Avatar userId={m.userId} label={who} />
              <span className="group-member-name">
                {who} {me && t.grMe}
              </span>
              {roleLabel(m.role) && <span className="group-member-role">{roleLabel(m.role)}</span>}
              {!me && (
                <span className="group-member-actions">
                  {owner && m.role === "member" && (
                    <button
                      type="button"
                      className="link"
                      disabled={props.busy}
                      aria-label={`${t.grMakeAdmin}: ${who}`}
                      onClick={() => void run(() => sdk().setMemberRole(id, m.userId, "admin"))}
                    >
                      {t.grMakeAdmin}
                    </button>
                  )}
                  {owner && m.role === "admin" && (
                    <button
                      type="button"
                      className="link"
                      disabled={props.busy}
                      aria-label={`${t.grUnmakeAdmin}: ${who}`}
                      onClick={() => void run(() => sdk().setMemberRole(id, m.userId, "member"))}
                    >
                      {t.grUnmakeAdmin}
                    </button>
                  )}
                  {owner && (
                    <button
                      type="button"
                      className="link"
                      disabled={props.busy}
                      aria-label={`${t.grMakeOwner}: ${who}`}
                      onClick={() => setHandingTo(m.userId)}
                    >
                      {t.grMakeOwner}
                    </button>
                  )}
                  {mayRemove(props.myRole, m.role) && (
                    <button
                      type="button"
                      className="link"
                      disabled={props.busy}
                      aria-label={`${t.grRemove}: ${who}`}
                      onClick={() => void run(() => sdk().removeMembers(id, [m.userId]))}
                    >
                      {t.grRemove}
                    </button>
                  )}
                </span>
              )}
              {handingTo === m.userId && (
                <div role="alertdialog" aria-labelledby={`${headingId}-owner`} className="group-confirm">
                  <p id={`${headingId}-owner`}>{fill(t.grConfirmOwner, { user: who })}</p>
                  <button
                    type="button"
                    className="danger"
                    disabled={props.busy}
                    onClick={() =>
                      void run(() => sdk().setMemberRole(id, m.userId, "owner")).then(() =>
                        setHandingTo(undefined),
                      )
                    }
                  >
                    {t.grConfirm}
                  </button>
                  {/* biome-ignore lint/a11y/noAutofocus: the safe choice takes focus when the question appears */}
                  <button type="button" autoFocus onClick={() => setHandingTo(undefined)}>
                    {t.grCancel}
                  </button>
                </div>
              )}
            </li>
          );
        })}
      </ul>
      <h4>{t.grAddMembers}</h4>
      <PeoplePicker chosen={chosen} exclude={new Set(members.map((m) => m.userId))} onChange={setChosen} />
      <button
        type="button"
        disabled={props.busy || chosen.length === 0}
        onClick={() =>
          void run(() =>
            sdk().addMembers(
              id,
              chosen.map((c) => c.id),
            ),
          ).then((ok) => {
            if (ok) setChosen([]);
          })
        }
      >
        {t.grAddMembers}
      </button>
    </section>
  );
}
