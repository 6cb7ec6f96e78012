import { useStrings } from "../../i18n.js";
import { PasswordSection } from "./password-section.js";
import { PreferencesSection } from "./preferences-section.js";
import { ProfileSection } from "./profile-section.js";
import { SessionsSection } from "./sessions-section.js";
import "./settings.css";

/**
 * The settings page, in place of the open chat: the profile colleagues see (picture, name,
 * status, do-not-disturb), notifications, appearance, the password, and devices and sessions.
 * Loaded on first open, so none of it weighs on the first screen.
 */
export function SettingsPage(props: { onClose(): void }) {
  const { t } = useStrings();
  return (
    <section className="settings" aria-labelledby="settings-title">
      <header className="chat-header">
        <button type="button" className="back link" onClick={props.onClose} aria-label={t.settingsClose}>
          ←
        </button>
        <h2 id="settings-title">{t.settingsTitle}</h2>
        <button type="button" className="link settings-close" onClick={props.onClose}>
          {t.close}
        </button>
      </header>
      <div className="settings-body">
        <ProfileSection />
        <PreferencesSection />
        <PasswordSection />
        <SessionsSection />
      </div>
    </section>
  );
}
