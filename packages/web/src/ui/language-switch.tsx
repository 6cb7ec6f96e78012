import { setLang, useStrings } from "../i18n.js";

export function LanguageSwitch() {
  const { t, lang } = useStrings();
  return (
    <button
      type="button"
      className="link"
      // The name starts with what the button shows, so speech control ("click 中文") finds it.
      aria-label={`${t.language}: ${t.languageLabel}`}
      onClick={() => setLang(lang === "zh" ? "en" : "zh")}
    >
      {t.language}
    </button>
  );
}
