import { setLang, useStrings } from "../i18n.js";

export function LanguageSwitch() {
  const { t, lang } = useStrings();
  return (
    <button
      type="button"
      className="link"
      aria-label={t.languageLabel}
      onClick={() => setLang(lang === "zh" ? "en" : "zh")}
    >
      {t.language}
    </button>
  );
}
