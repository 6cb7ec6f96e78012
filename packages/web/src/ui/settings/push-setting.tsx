import { useStrings } from "../../i18n.js";
import { useChat } from "../../use-chat.js";

/** Notifications while Starling is closed (Web Push), where this browser and the server can. */
export function PushSetting() {
  const { webPush } = useChat("webPush");
  const { t } = useStrings();
  const state = webPush.state;
  if (state === "unavailable") return null;
  const enable = (
    <button type="button" className="link" onClick={() => void webPush.enable()}>
      {t.pushEnable}
    </button>
  );
  return (
    <fieldset className="push-setting" data-testid="push-setting">
      <legend>{t.pushTitle}</legend>
      {state === "off" && enable}
      {state === "enabling" && <p aria-live="polite">{t.pushEnabling}</p>}
      {state === "on" && (
        <p>
          {t.pushOn}{" "}
          <button type="button" className="link" onClick={() => void webPush.disable()}>
            {t.pushDisable}
          </button>
        </p>
      )}
      {state === "failed" && (
        <>
          <p role="alert" className="error">
            {t.pushFailed} {webPush.error}
          </p>
          {enable}
        </>
      )}
      {state === "blocked" && <p className="hint">{t.settingsBrowserBlocked}</p>}
    </fieldset>
  );
}
