import type { UserCard } from "@starling/sdk";
import { type FormEvent, useId, useState } from "react";
import { useStrings } from "../../i18n.js";
import { useChat } from "../../use-chat.js";
import { ErrorNote } from "./error-note.js";
import { useSdk } from "./people.js";
import { PeoplePicker } from "./people-picker.js";

/** A new group: its name and the people in it; the user becomes its owner, and the new chat opens. */
export function NewGroupDialog(props: { onBack(): void; onCreated(conversationId: string): void }) {
  const { t } = useStrings();
  const { session } = useChat();
  const sdk = useSdk();
  const [name, setName] = useState("");
  const [chosen, setChosen] = useState<UserCard[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const nameId = useId();
  const titleId = useId();
  const ready = name.trim().length > 0 && chosen.length > 0 && !busy;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!ready) return;
    setBusy(true);
    setError(undefined);
    try {
      const conversation = await sdk().createGroup(
        name.trim(),
        chosen.map((c) => c.id),
      );
      props.onCreated(conversation.id);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <form className="contacts-card contacts-form" aria-labelledby={titleId} onSubmit={submit}>
      <button type="button" className="link contacts-back" onClick={props.onBack}>
        ← {t.contactsBack}
      </button>
      <h2 id={titleId}>{t.contactsNewGroup}</h2>
      <label htmlFor={nameId} className="contacts-label">
        {t.contactsGroupName}
      </label>
      <input
        id={nameId}
        className="contacts-input"
        autoComplete="off"
        value={name}
        onChange={(e) => setName(e.target.value)}
      />
      <PeoplePicker chosen={chosen} exclude={new Set([session.userId])} onChange={setChosen} />
      <ErrorNote error={error} />
      <button type="submit" className="contacts-primary" disabled={!ready}>
        {busy ? t.contactsCreating : t.contactsCreate}
      </button>
    </form>
  );
}
