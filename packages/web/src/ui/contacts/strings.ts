import type { StringSection } from "../../i18n.js";

/** The contacts panel's strings. */
export const contactsStrings: StringSection<"contactsTab"> = {
  en: { contactsTab: "Contacts" },
  zh: { contactsTab: "通讯录" },
};
