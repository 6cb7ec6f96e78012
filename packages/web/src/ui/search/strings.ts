import type { StringSection } from "../../i18n.js";

/** The search panel's strings. */
export const searchStrings: StringSection<"searchTab"> = {
  en: { searchTab: "Search" },
  zh: { searchTab: "搜索" },
};
