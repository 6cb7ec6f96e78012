import type { Invite } from "@starling/sdk";
import { lazy, Suspense, useId, useState } from "react";
import { fill, useStrings } from "../../i18n.js";
import { useSdk } from "../contacts/people.js";

/** The QR code library is loaded only when a code is shown. */
const InviteQr = lazy(() => import("./invite-qr.js").then((m) => ({ default: m.InviteQr })));

/** The web client's address of an invite: opening it signs in if need be, then offers to join. */
export function inviteLink(token: string): string {
  return `${location.origin}${location.pathname}#/join/${encodeURIComponent(token)}`;
}

/**
 * Owners and admins make an invite link (shown once: the server keeps only a
 * hash of it), copy it or show it as a QR code, and revoke every link made so far.
 */
export function InviteSection(props: {
  conversationId: string;
  busy: boolean;
  run(action: () => Promise<unknown>): Promise<boolean>;
}) {
  const { t } = useStrings();
  const sdk = useSdk();
  const headingId = useId();
  const [invite, setInvite] = useState<Invite | undefined>(undefined);
  const [note, setNote] = useState("");
  const [qr, setQr] = useState(false);
  const link = invite ? inviteLink(invite.token) : "";

  return (
    <section aria-labelledby={headingId} className="group-panel-section">
      <h3 id={headingId}>{t.grInvite}</h3>
      <p className="group-panel-by">{t.grInviteHint}</p>
      {invite ? (
        <>
          <label className="sr-only" htmlFor={`${headingId}-link`}>
            {t.grInvite}
          </label>
          <input id={`${headingId}-link`} readOnly value={link} data-testid="invite-link" />
          <p className="group-panel-by">
            {fill(t.grValidUntil, { date: new Date(Number(invite.expiresAt)).toLocaleString() })}
          </p>
          <button
            type="button"
            className="link"
            onClick={() =>
              void navigator.clipboard?.writeText(link).then(
                () => setNote(t.grCopied),
                () => {},
              )
            }
          >
            {t.grCopy}
          </button>
          <button type="button" className="link" aria-expanded={qr} onClick={() => setQr(!qr)}>
            {t.grQr}
          </button>
          {qr && (
            <Suspense fallback={<p className="group-panel-by">{t.grLoading}</p>}>
              <InviteQr text={link} label={t.grQr} />
            </Suspense>
          )}
        </>
      ) : (
        <button
          type="button"
          disabled={props.busy}
          onClick={() =>
            void props.run(async () => {
              setInvite(await sdk().createInvite(props.conversationId));
              setNote("");
            })
          }
        >
          {t.grCreateInvite}
        </button>
      )}
      <button
        type="button"
        className="link"
        disabled={props.busy}
        onClick={() =>
          void props
            .run(() => sdk().revokeInvite(props.conversationId))
            .then((ok) => {
              if (!ok) return;
              setInvite(undefined);
              setQr(false);
              setNote(t.grRevoked);
            })
        }
      >
        {t.grRevoke}
      </button>
      <p role="status" className="group-panel-by">
        {note}
      </p>
    </section>
  );
}
