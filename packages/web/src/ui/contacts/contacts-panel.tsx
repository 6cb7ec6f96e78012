import { useStrings } from "../../i18n.js";
import type { PanelActions } from "../workspace.js";

/** The contacts panel. */
export function ContactsPanel(_props: PanelActions) {
  const { t } = useStrings();
  return <p className="empty">{t.contactsTab}</p>;
}
