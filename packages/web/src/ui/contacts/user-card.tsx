import type { StarlingClient, UserCard } from "@starling/sdk";
import { type ReactNode, useEffect, useState } from "react";
import { useStrings } from "../../i18n.js";
import { useChat } from "../../use-chat.js";
import { PersonStatus } from "../person-status.js";
import { ErrorNote } from "./error-note.js";
import { initialOf, nameOf, useSdk } from "./people.js";

/** The name of a department, from the local directory copy when there is one, else from the server. */
async function departmentName(client: StarlingClient, id: string): Promise<string> {
  const known = client.directory.departments.get(id);
  if (known) return known.name;
  const listing = await client.directory.department(id, "", 1);
  return listing.department?.name ?? "";
}

/** A colleague's card: name, title, department, email and phone, and a button to message them. */
export function UserCardView(props: { card: UserCard; onBack(): void; onMessage(userId: string): void }) {
  const { t } = useStrings();
  const { card } = props;
  const { session } = useChat();
  const sdk = useSdk();
  const name = nameOf(card);
  const [department, setDepartment] = useState("");
  const [error, setError] = useState<unknown>(undefined);

  useEffect(() => {
    setDepartment("");
    setError(undefined);
    if (!card.departmentId) return;
    let current = true;
    departmentName(sdk(), card.departmentId).then(
      (n) => {
        if (current) setDepartment(n);
      },
      (err: unknown) => {
        if (current) setError(err);
      },
    );
    return () => {
      current = false;
    };
  }, [card.departmentId, sdk]);

  const field = (label: string, value: ReactNode) => (
    <div className="contacts-field">
      <dt>{label}</dt>
      <dd>{value || <span className="hint">{t.contactsNotSet}</span>}</dd>
    </div>
  );

  return (
    <section className="contacts-card" aria-labelledby="contacts-card-name">
      <button type="button" className="link contacts-back" onClick={props.onBack}>
        ← {t.contactsBack}
      </button>
      <header className="contacts-card-head">
        <span className="avatar contacts-avatar-large" aria-hidden="true">
          {initialOf(name)}
        </span>
        <div>
          <h2 id="contacts-card-name">{name}</h2>
          <PersonStatus userId={card.id} />
          <span className="hint">{card.id}</span>
        </div>
      </header>
      <dl className="contacts-fields">
        {field(t.contactsTitle, card.title)}
        {field(
          t.contactsDepartment,
          card.departmentId && (department || (error ? card.departmentId : t.contactsLoading)),
        )}
        {field(t.contactsEmail, card.email && <a href={`mailto:${card.email}`}>{card.email}</a>)}
        {field(t.contactsPhone, card.phone && <a href={`tel:${card.phone}`}>{card.phone}</a>)}
      </dl>
      <ErrorNote error={error} />
      {card.id !== session.userId && (
        <button type="button" className="contacts-primary" onClick={() => props.onMessage(card.id)}>
          {t.contactsMessage}
        </button>
      )}
    </section>
  );
}
