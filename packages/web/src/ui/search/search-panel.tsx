import { useStrings } from "../../i18n.js";
import type { PanelActions } from "../workspace.js";

/** The search panel. */
export function SearchPanel(_props: PanelActions) {
  const { t } = useStrings();
  return <p className="empty">{t.searchTab}</p>;
}
