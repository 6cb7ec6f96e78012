import { useStrings } from "../../i18n.js";

/** A failed request, told in an alert; nothing when there is no error. */
export function ErrorNote(props: { error: unknown }) {
  const { t } = useStrings();
  if (!props.error) return null;
  const message = props.error instanceof Error ? props.error.message : String(props.error);
  return (
    <p role="alert" className="error contacts-error">
      {t.contactsFailed}
      {message}
    </p>
  );
}
