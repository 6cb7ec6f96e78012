import type { Invite } from "@starling/sdk";
import { useEffect, useId, useState } from "react";
import { fill, useStrings } from "../../i18n.js";
import { useSdk } from "../contacts/people.js";
import { useGroupAction } from "./use-group-action.js";
import "./groups.css";

/**
 * Opening an invite link: what group it is for (name, member count), and
 * joining it. The server refuses links of another domain, revoked and
 * expired ones; the reason is shown in the user's language.
 */
export function JoinView(props: { token: string; onJoined(conversationId: string): void; onBack(): void }) {
  const { t } = useStrings();
  const sdk = useSdk();
  const titleId = useId();
  const [invite, setInvite] = useState<Invite | undefined>(undefined);
  const action = useGroupAction();
  const { run } = action;
  const { token } = props;

  useEffect(() => {
    let live = true;
    void run(async () => {
      const found = await sdk().previewInvite(token);
      if (live) setInvite(found);
    });
    return () => {
      live = false;
    };
  }, [token, sdk, run]);

  return (
    <section className="join-view" aria-labelledby={titleId}>
      <h2 id={titleId}>{t.grJoinTitle}</h2>
      {invite && (
        <>
          <p className="join-group-name" data-testid="join-group-name">
            {invite.groupName}
          </p>
          <p className="group-panel-by">{fill(t.grMemberCount, { count: String(invite.memberCount) })}</p>
          {invite.member && <p>{t.grAlreadyIn}</p>}
          <button
            type="button"
            disabled={action.busy}
            onClick={() =>
              void run(async () => {
                const conv = await sdk().joinByInvite(token);
                props.onJoined(conv.id);
              })
            }
          >
            {invite.member ? t.grOpenChat : t.grJoin}
          </button>
        </>
      )}
      {!invite && !action.error && <p className="group-panel-by">{t.grLoading}</p>}
      {action.error && (
        <p role="alert" className="error">
          {action.error}
        </p>
      )}
      <button type="button" className="link" onClick={props.onBack}>
        {t.grBackToChats}
      </button>
    </section>
  );
}
