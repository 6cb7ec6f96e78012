import { inDoNotDisturb } from "@starling/sdk";
import { type FormEvent, useEffect, useState } from "react";
import { useStrings } from "../../i18n.js";
import { useChat } from "../../use-chat.js";
import { Avatar } from "../avatar.js";

type DndChoice = "off" | "on" | "hour" | "daily";

const HOUR_MS = 3_600_000;
const toClock = (minute: number) =>
  `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;
const fromClock = (clock: string) => {
  const [h, m] = clock.split(":").map(Number);
  return ((h ?? 0) * 60 + (m ?? 0)) % 1440;
};
/** Daily hours are kept in the zone of the device that set them, so they mean that user's nights. */
const localZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || "";

/** What colleagues see of the user: picture, name, status message and do-not-disturb. */
export function ProfileSection() {
  const { session, people } = useChat("people");
  const { t } = useStrings();
  const me = session.userId;
  const dnd = people.dndOf(me);
  const [name, setName] = useState(() => people.displayName(me));
  const [status, setStatus] = useState(() => people.statusText(me));
  const [choice, setChoice] = useState<DndChoice>("off");
  const [from, setFrom] = useState("22:00");
  const [to, setTo] = useState("08:00");
  const [note, setNote] = useState("");
  const [busy, setBusy] = useState(false);

  // The form starts from the card once it is known (the name and status arrive with it).
  const cardName = people.displayName(me);
  const cardStatus = people.statusText(me);
  useEffect(() => setName(cardName), [cardName]);
  useEffect(() => setStatus(cardStatus), [cardStatus]);
  useEffect(() => {
    if (!dnd) return setChoice("off");
    if (dnd.on) setChoice(dnd.until > 0n ? "hour" : "on");
    else if (dnd.daily) setChoice("daily");
    else setChoice("off");
    if (dnd.daily) {
      setFrom(toClock(dnd.fromMinute));
      setTo(toClock(dnd.toMinute));
    }
  }, [dnd]);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setNote("");
    const doNotDisturb =
      choice === "on"
        ? { on: true }
        : choice === "hour"
          ? { on: true, until: Date.now() + HOUR_MS }
          : choice === "daily"
            ? { daily: true, fromMinute: fromClock(from), toMinute: fromClock(to), timeZone: localZone() }
            : {};
    try {
      await people.updateOwnProfile({
        ...(name.trim() && name.trim() !== cardName ? { displayName: name.trim() } : {}),
        statusText: status.trim(),
        doNotDisturb,
      });
      setNote(t.settingsSaved);
    } catch (err) {
      setNote(`${t.settingsFailed}${(err as Error).message}`);
    } finally {
      setBusy(false);
    }
  };

  const dndChoices: [DndChoice, string][] = [
    ["off", t.settingsDndOff],
    ["on", t.settingsDndOn],
    ["hour", t.settingsDndHour],
    ["daily", t.settingsDndDaily],
  ];

  return (
    <form className="settings-section" aria-labelledby="settings-profile" onSubmit={save}>
      <h3 id="settings-profile">{t.settingsProfile}</h3>
      <label className="avatar-picker settings-avatar" title={t.setAvatar}>
        <Avatar userId={me} label={cardName} />
        <span className="link">{t.setAvatar}</span>
        <input
          type="file"
          accept="image/*"
          className="sr-only"
          data-testid="settings-avatar-input"
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = "";
            if (file)
              void people.setAvatar(file).catch((err: Error) => setNote(`${t.settingsFailed}${err.message}`));
          }}
        />
      </label>
      <label>
        {t.settingsDisplayName}
        <input name="display-name" value={name} maxLength={100} onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        {t.settingsStatus}
        <input
          name="status-text"
          value={status}
          maxLength={100}
          aria-describedby="settings-status-hint"
          onChange={(e) => setStatus(e.target.value)}
        />
      </label>
      <p id="settings-status-hint" className="hint">
        {t.settingsStatusHint}
      </p>
      <fieldset>
        <legend>{t.settingsDnd}</legend>
        {dndChoices.map(([key, label]) => (
          <label key={key} className="settings-choice">
            <input
              type="radio"
              name="dnd"
              value={key}
              checked={choice === key}
              onChange={() => setChoice(key)}
            />
            {label}
          </label>
        ))}
        {choice === "daily" && (
          <div className="settings-hours">
            <label>
              {t.settingsDndFrom}
              <input type="time" name="dnd-from" value={from} onChange={(e) => setFrom(e.target.value)} />
            </label>
            <label>
              {t.settingsDndTo}
              <input type="time" name="dnd-to" value={to} onChange={(e) => setTo(e.target.value)} />
            </label>
            <span className="hint">{t.settingsDndZone.replace("{zone}", localZone() || "UTC")}</span>
          </div>
        )}
        {inDoNotDisturb(dnd, Date.now()) && (
          <p className="hint" data-testid="dnd-now">
            {t.settingsDndNow}
          </p>
        )}
      </fieldset>
      <button type="submit" className="primary" disabled={busy}>
        {t.settingsSave}
      </button>
      {note && (
        <p role="status" className="hint">
          {note}
        </p>
      )}
    </form>
  );
}
