import { useEffect, useId, useRef, useState } from "react";
import { fill, useStrings } from "../../i18n.js";
import { useChat } from "../../use-chat.js";
import { Avatar } from "../avatar.js";
import { useSdk } from "../contacts/people.js";
import { shortTime } from "../format.js";
import { InviteSection } from "./invite-section.js";
import { PanelMembers } from "./panel-members.js";
import { useGroupAction } from "./use-group-action.js";
import "./groups.css";

const MANAGERS = new Set(["owner", "admin"]);

/**
 * A group's info as a modal dialog from the chat header: name, picture,
 * announcement, members, invite link, leaving and disbanding. What a role may
 * not do is not offered (the server decides in the end, and its refusals are
 * shown in the user's language). The dialog keeps focus inside while open
 * (a modal <dialog>); closing returns it to the button that opened it.
 */
export function GroupPanel(props: { conversationId: string; onClose(): void }) {
  const { t } = useStrings();
  const { conversations, people } = useChat("conversations", "people");
  const sdk = useSdk();
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const id = props.conversationId;
  const conv = conversations.get(id);
  const role = conv?.active ? conv.role : "";
  const manager = MANAGERS.has(role) && !conv?.disbanded;
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState(conv?.name ?? "");
  const [editing, setEditing] = useState(false);
  const [announcement, setAnnouncement] = useState(conv?.announcement ?? "");
  const [confirming, setConfirming] = useState<"leave" | "disband" | undefined>(undefined);
  const action = useGroupAction();
  const { onClose } = props;

  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);

  if (!conv) return null;
  const act = (f: () => Promise<unknown>, after?: () => void) =>
    void action.run(f).then((ok) => {
      if (ok) after?.();
    });

  return (
    <dialog
      ref={dialog}
      className="group-panel"
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onKeyDown={(e) => {
        // Escape closes the dialog only: the chat around it would take it as leaving the chat.
        if (e.key !== "Escape" || e.nativeEvent.isComposing) return;
        e.preventDefault();
        e.stopPropagation();
        onClose();
      }}
    >
      <header className="group-panel-head">
        <Avatar label={conv.name} {...(conv.avatar ? { picture: conv.avatar } : {})} />
        <h2 id={titleId}>{fill(t.grInfoOf, { name: conv.name })}</h2>
        <button type="button" className="link" onClick={onClose}>
          {t.grClose}
        </button>
      </header>
      {action.error && (
        <p role="alert" className="error">
          {action.error}
        </p>
      )}

      <div className="group-panel-section">
        {naming ? (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              act(
                () => sdk().renameGroup(id, name),
                () => setNaming(false),
              );
            }}
          >
            <label>
              {t.grName}
              <input value={name} maxLength={64} onChange={(e) => setName(e.target.value)} />
            </label>
            <button type="submit" disabled={action.busy || !name.trim()}>
              {t.grSave}
            </button>
            <button type="button" className="link" onClick={() => setNaming(false)}>
              {t.grCancel}
            </button>
          </form>
        ) : (
          <p>
            <span className="group-panel-name">{conv.name}</span>{" "}
            {manager && (
              <button
                type="button"
                className="link"
                onClick={() => {
                  setName(conv.name);
                  setNaming(true);
                }}
              >
                {t.grRename}
              </button>
            )}
          </p>
        )}
        {manager && (
          <label className="link group-picture">
            {t.grChangePicture}
            <input
              type="file"
              accept="image/*"
              className="sr-only"
              data-testid="group-avatar-input"
              onChange={(e) => {
                const file = e.target.files?.[0];
                e.target.value = "";
                if (file) act(() => people.setGroupPicture(id, file));
              }}
            />
          </label>
        )}
      </div>

      <section aria-labelledby={`${titleId}-ann`} className="group-panel-section">
        <h3 id={`${titleId}-ann`}>{t.grAnnouncement}</h3>
        {editing ? (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              act(
                () => sdk().setAnnouncement(id, announcement),
                () => setEditing(false),
              );
            }}
          >
            <label className="sr-only" htmlFor={`${titleId}-ann-text`}>
              {t.grEditAnnouncement}
            </label>
            <textarea
              id={`${titleId}-ann-text`}
              value={announcement}
              maxLength={2000}
              rows={4}
              onChange={(e) => setAnnouncement(e.target.value)}
            />
            <button type="submit" disabled={action.busy}>
              {t.grPublish}
            </button>
            <button type="button" className="link" onClick={() => setEditing(false)}>
              {t.grCancel}
            </button>
          </form>
        ) : (
          <>
            {conv.announcement ? (
              <>
                <p className="announcement-text" data-testid="panel-announcement">
                  {conv.announcement}
                </p>
                <p className="group-panel-by">
                  {fill(t.grAnnouncementBy, {
                    by: people.displayName(conv.announcementBy),
                    date: shortTime(Number(conv.announcementAt), t),
                  })}
                </p>
              </>
            ) : (
              <p className="group-panel-by">{t.grNoAnnouncement}</p>
            )}
            {manager && (
              <button
                type="button"
                className="link"
                onClick={() => {
                  setAnnouncement(conv.announcement);
                  setEditing(true);
                }}
              >
                {t.grEditAnnouncement}
              </button>
            )}
          </>
        )}
      </section>

      {conv.active && !conv.disbanded && (
        <PanelMembers conversationId={id} myRole={role} run={action.run} busy={action.busy} />
      )}
      {manager && <InviteSection conversationId={id} run={action.run} busy={action.busy} />}

      {conv.active && !conv.disbanded && (
        <section className="group-panel-section group-panel-danger" aria-label={t.grLeave}>
          {confirming ? (
            <div role="alertdialog" aria-labelledby={`${titleId}-confirm`} className="group-confirm">
              <p id={`${titleId}-confirm`}>
                {confirming === "disband"
                  ? t.grConfirmDisband
                  : role === "owner"
                    ? `${t.grConfirmLeave} ${t.grOwnerLeaves}`
                    : t.grConfirmLeave}
              </p>
              <button
                type="button"
                className="danger"
                disabled={action.busy}
                onClick={() =>
                  act(
                    () => (confirming === "disband" ? sdk().disbandGroup(id) : sdk().leaveGroup(id)),
                    () => {
                      setConfirming(undefined);
                      onClose();
                    },
                  )
                }
              >
                {t.grConfirm}
              </button>
              {/* biome-ignore lint/a11y/noAutofocus: the safe choice takes focus when the question appears */}
              <button type="button" autoFocus onClick={() => setConfirming(undefined)}>
                {t.grCancel}
              </button>
            </div>
          ) : (
            <>
              <button type="button" className="danger" onClick={() => setConfirming("leave")}>
                {t.grLeave}
              </button>
              {role === "owner" && (
                <button type="button" className="danger" onClick={() => setConfirming("disband")}>
                  {t.grDisband}
                </button>
              )}
            </>
          )}
        </section>
      )}
    </dialog>
  );
}
