import type { UserCard } from "@starling/sdk";
import { useStrings } from "../../i18n.js";
import { DepartmentList } from "./department-tree.js";
import { ErrorNote } from "./error-note.js";
import { usePeopleSearch } from "./people-search.js";
import { PersonButton } from "./person-button.js";

/** People and departments matching the filter box, in the place of the tree. */
export function DirectorySearch(props: { query: string; onPerson(card: UserCard): void }) {
  const { t } = useStrings();
  const { result, loading, error } = usePeopleSearch(props.query);
  const users = result?.users ?? [];
  const departments = result?.departments ?? [];

  return (
    <section className="contacts-section" aria-busy={loading}>
      <ErrorNote error={error} />
      {loading && !result && (
        <p className="hint contacts-note" role="status">
          {t.contactsLoading}
        </p>
      )}
      {result && users.length === 0 && departments.length === 0 && (
        <p className="hint contacts-note" role="status">
          {t.contactsNoMatches}
        </p>
      )}
      {users.length > 0 && (
        <>
          <h2 className="contacts-heading">{t.contactsPeople}</h2>
          <ul className="contacts-people">
            {users.map((u) => (
              <li key={u.id}>
                <PersonButton card={u} onClick={props.onPerson} />
              </li>
            ))}
          </ul>
        </>
      )}
      {departments.length > 0 && (
        <>
          <h2 className="contacts-heading">{t.contactsDepartments}</h2>
          <DepartmentList departments={departments} onPerson={props.onPerson} />
        </>
      )}
    </section>
  );
}
