import type { Department, UserCard } from "@starling/sdk";
import { useCallback, useEffect, useId, useRef, useState } from "react";
import { useStrings } from "../../i18n.js";
import { NAV } from "./arrow-keys.js";
import { ErrorNote } from "./error-note.js";
import { useSdk } from "./people.js";
import { PersonButton } from "./person-button.js";

/** Members fetched per page of a department. */
const PAGE = 50;

interface DepartmentState {
  children: Department[];
  members: UserCard[];
  /** Where the next page of members starts; "" when all are loaded. */
  next: string;
  loaded: boolean;
  loading: boolean;
  error: unknown;
}

const EMPTY: DepartmentState = {
  children: [],
  members: [],
  next: "",
  loaded: false,
  loading: false,
  error: undefined,
};

/** One department's children and members, loaded on demand and paged ("" is the top level). */
function useDepartment(id: string) {
  const [state, setState] = useState<DepartmentState>(EMPTY);
  const sdk = useSdk();
  const alive = useRef(true);
  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);

  const load = useCallback(
    async (after = "") => {
      setState((s) => ({ ...s, loading: true, error: undefined }));
      try {
        const listing = await sdk().directory.department(id, after, PAGE);
        if (!alive.current) return;
        setState((s) => ({
          children: listing.children,
          members: after ? [...s.members, ...listing.members] : listing.members,
          next: listing.nextAfterUserId,
          loaded: true,
          loading: false,
          error: undefined,
        }));
      } catch (error) {
        if (alive.current) setState((s) => ({ ...s, loading: false, error }));
      }
    },
    [id, sdk],
  );
  return { ...state, load };
}

/** The organisation's top-level departments, each expandable. */
export function DepartmentTree(props: { onPerson(card: UserCard): void }) {
  const { t } = useStrings();
  const top = useDepartment("");
  const { load } = top;
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <section className="contacts-section" aria-labelledby="contacts-org">
      <h2 id="contacts-org" className="contacts-heading">
        {t.contactsOrg}
      </h2>
      <ErrorNote error={top.error} />
      {top.loading && !top.loaded && (
        <p className="hint contacts-note" role="status">
          {t.contactsLoading}
        </p>
      )}
      {top.loaded && top.children.length === 0 && (
        <p className="hint contacts-note">{t.contactsNoDepartments}</p>
      )}
      <DepartmentList departments={top.children} onPerson={props.onPerson} />
    </section>
  );
}

/** Departments at one level, as a list of expandable nodes. */
export function DepartmentList(props: { departments: Department[]; onPerson(card: UserCard): void }) {
  if (props.departments.length === 0) return null;
  return (
    <ul className="contacts-tree">
      {props.departments.map((d) => (
        <DepartmentNode key={d.id} department={d} onPerson={props.onPerson} />
      ))}
    </ul>
  );
}

/** A department: a button that shows or hides its sub-departments and members (members paged with "More"). */
function DepartmentNode(props: { department: Department; onPerson(card: UserCard): void }) {
  const { t } = useStrings();
  const { department } = props;
  const [open, setOpen] = useState(false);
  const listing = useDepartment(department.id);
  const groupId = useId();

  const toggle = () => {
    if (!open && !listing.loaded && !listing.loading) void listing.load();
    setOpen(!open);
  };

  return (
    <li className="contacts-node">
      <button
        type="button"
        className="contacts-department"
        {...NAV}
        aria-expanded={open}
        aria-controls={groupId}
        onClick={toggle}
        onKeyDown={(e) => {
          if ((e.key === "ArrowRight" && !open) || (e.key === "ArrowLeft" && open)) {
            e.preventDefault();
            toggle();
          }
        }}
      >
        <span className="contacts-caret" aria-hidden="true">
          {open ? "▾" : "▸"}
        </span>
        {department.name}
      </button>
      {open && (
        <div id={groupId} className="contacts-branch">
          <ErrorNote error={listing.error} />
          <DepartmentList departments={listing.children} onPerson={props.onPerson} />
          {listing.members.length > 0 && (
            <ul className="contacts-people" aria-label={`${department.name}: ${t.contactsPeople}`}>
              {listing.members.map((m) => (
                <li key={m.id}>
                  <PersonButton card={m} onClick={props.onPerson} />
                </li>
              ))}
            </ul>
          )}
          {listing.loaded && listing.children.length === 0 && listing.members.length === 0 && (
            <p className="hint contacts-note">{t.contactsEmptyDepartment}</p>
          )}
          {listing.loading && (
            <p className="hint contacts-note" role="status">
              {t.contactsLoading}
            </p>
          )}
          {listing.next && !listing.loading && (
            <button
              type="button"
              className="link contacts-more"
              {...NAV}
              onClick={() => void listing.load(listing.next)}
            >
              {t.contactsMore}
            </button>
          )}
        </div>
      )}
    </li>
  );
}
