// The do-not-disturb rule every party shares: the server asks it before an offline push, clients
// before a notification or a sound and to mark a colleague, so all of them agree at any moment
// from the same stored setting without asking each other.

/** The fields of `DoNotDisturb` the rule reads (the generated message, or a stored record). */
export interface DoNotDisturbSetting {
  on: boolean;
  /** Unix ms; 0 or absent: no end. */
  until: number | bigint;
  daily: boolean;
  fromMinute: number;
  toMinute: number;
  /** IANA name; "" means UTC. */
  timeZone: string;
}

export const MINUTES_PER_DAY = 24 * 60;

/** Whether `zone` is a time zone this runtime knows ("" counts, as UTC). */
export function isValidTimeZone(zone: string): boolean {
  if (zone === "") return true;
  if (zone.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function formatter(zone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat("en-US", {
    timeZone: zone || "UTC",
    hourCycle: "h23",
    hour: "2-digit",
    minute: "2-digit",
  });
}

/** Minutes after local midnight at `atMs` on the clock of `zone` (an unknown zone reads as UTC). */
export function minuteOfDay(atMs: number, zone: string): number {
  let f: Intl.DateTimeFormat;
  try {
    f = formatter(zone);
  } catch {
    f = formatter("");
  }
  let hour = 0;
  let minute = 0;
  for (const part of f.formatToParts(new Date(atMs))) {
    if (part.type === "hour") hour = Number(part.value) % 24;
    else if (part.type === "minute") minute = Number(part.value);
  }
  return hour * 60 + minute;
}

/** Whether the daily range [from, to) holds `minute`; a range with to < from runs past midnight. */
export function inDailyRange(minute: number, from: number, to: number): boolean {
  if (from === to) return false;
  return from < to ? minute >= from && minute < to : minute >= from || minute < to;
}

/** Whether do-not-disturb holds at `atMs`. The clock is read only for daily hours (a formatter per call: no cache to keep). */
export function inDoNotDisturb(d: DoNotDisturbSetting | undefined, atMs: number): boolean {
  if (!d) return false;
  const until = Number(d.until);
  if (d.on && (until === 0 || atMs < until)) return true;
  if (!d.daily) return false;
  return inDailyRange(minuteOfDay(atMs, d.timeZone), d.fromMinute, d.toMinute);
}
