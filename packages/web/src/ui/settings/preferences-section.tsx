import { type Lang, setLang, useStrings } from "../../i18n.js";
import type { FontSize, RoamingSettings, Theme } from "../../stores/settings.js";
import { useChat } from "../../use-chat.js";
import { PushSetting } from "./push-setting.js";

/** Notifications (they roam) and appearance (this device only). */
export function PreferencesSection() {
  const { settings, webPush } = useChat("settings");
  const { t, lang } = useStrings();
  const { roaming, device } = settings;
  const permission = typeof Notification === "undefined" ? "denied" : Notification.permission;

  const toggle = (key: keyof RoamingSettings, label: string) => (
    <label className="settings-choice">
      <input
        type="checkbox"
        name={key}
        checked={roaming[key]}
        onChange={(e) => void settings.setRoaming({ [key]: e.target.checked }).catch(() => {})}
      />
      {label}
    </label>
  );
  const choices = <T extends string>(
    name: string,
    legend: string,
    value: T,
    options: [T, string][],
    pick: (v: T) => void,
  ) => (
    <fieldset>
      <legend>{legend}</legend>
      {options.map(([key, label]) => (
        <label key={key} className="settings-choice">
          <input type="radio" name={name} value={key} checked={value === key} onChange={() => pick(key)} />
          {label}
        </label>
      ))}
    </fieldset>
  );

  return (
    <>
      <section className="settings-section" aria-labelledby="settings-notifications">
        <h3 id="settings-notifications">{t.settingsNotifications}</h3>
        {toggle("desktopNotifications", t.settingsDesktop)}
        {toggle("notificationSound", t.settingsSound)}
        {toggle("messagePreviews", t.settingsPreviews)}
        {roaming.desktopNotifications && permission === "default" && (
          <button
            type="button"
            className="link"
            onClick={() =>
              void Notification.requestPermission().then((p) => {
                if (p === "granted") void webPush.enable();
              })
            }
          >
            {t.settingsAllowBrowser}
          </button>
        )}
        {roaming.desktopNotifications && permission === "denied" && (
          <p className="hint">{t.settingsBrowserBlocked}</p>
        )}
        <PushSetting />
        <p className="hint">{t.settingsRoamingHint}</p>
      </section>
      <section className="settings-section" aria-labelledby="settings-appearance">
        <h3 id="settings-appearance">{t.settingsAppearance}</h3>
        {choices<Lang>(
          "language",
          t.settingsLanguage,
          lang,
          [
            ["zh", "中文"],
            ["en", "English"],
          ],
          setLang,
        )}
        {choices<Theme>(
          "theme",
          t.settingsTheme,
          device.theme,
          [
            ["system", t.settingsThemeSystem],
            ["light", t.settingsThemeLight],
            ["dark", t.settingsThemeDark],
          ],
          (theme) => settings.setDevice({ theme }),
        )}
        {choices<FontSize>(
          "font-size",
          t.settingsFontSize,
          device.fontSize,
          [
            ["small", t.settingsFontSmall],
            ["normal", t.settingsFontNormal],
            ["large", t.settingsFontLarge],
          ],
          (fontSize) => settings.setDevice({ fontSize }),
        )}
        <p className="hint">{t.settingsDeviceHint}</p>
      </section>
    </>
  );
}
