import type { SessionInfo } from "@starling/sdk";
import { useCallback, useEffect, useState } from "react";
import { useStrings } from "../../i18n.js";
import { useChat } from "../../use-chat.js";

/** The user's logins on every device, this one marked, each one or all the others signed out. */
export function SessionsSection() {
  const { session } = useChat("session");
  const { t, lang } = useStrings();
  const [sessions, setSessions] = useState<SessionInfo[] | undefined>(undefined);
  const [error, setError] = useState("");
  const client = session.client;

  const load = useCallback(async () => {
    if (!client) return;
    try {
      setSessions(await client.listSessions());
      setError("");
    } catch (err) {
      setError((err as Error).message);
    }
  }, [client]);
  useEffect(() => {
    void load();
  }, [load]);

  const act = async (run: () => Promise<void> | undefined) => {
    try {
      await run();
    } catch (err) {
      setError((err as Error).message);
    }
    await load();
  };
  const when = (ms: bigint) =>
    new Date(Number(ms)).toLocaleString(lang === "zh" ? "zh-CN" : "en", {
      dateStyle: "medium",
      timeStyle: "short",
    });
  const others = (sessions ?? []).filter((s) => !s.current);

  return (
    <section className="settings-section" aria-labelledby="settings-sessions">
      <h3 id="settings-sessions">{t.settingsSessions}</h3>
      <ul className="settings-sessions" data-testid="sessions">
        {(sessions ?? []).map((s) => (
          <li key={s.id} data-testid="session" data-current={s.current ? "true" : undefined}>
            <div className="session-main">
              <strong>{s.client || s.platform || t.settingsUnknownClient}</strong>
              {s.current && <span className="session-this">{t.settingsThisDevice}</span>}
              <span className="hint">
                {[s.platform, s.deviceId.slice(0, 16)].filter(Boolean).join(" · ")}
              </span>
              <span className="hint">
                {t.settingsCreated} {when(s.createdAt)} · {t.settingsLastActive} {when(s.lastActiveAt)}
              </span>
            </div>
            {!s.current && (
              <button
                type="button"
                className="link"
                onClick={() => void act(() => client?.revokeSession(s.id))}
              >
                {t.settingsSignOutSession}
              </button>
            )}
          </li>
        ))}
      </ul>
      {others.length > 0 && (
        <button
          type="button"
          className="secondary"
          onClick={() => void act(() => client?.revokeOtherSessions())}
        >
          {t.settingsSignOutOthers}
        </button>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </section>
  );
}
