import { inDoNotDisturb, isValidTimeZone, MINUTES_PER_DAY } from "@starling/protocol";
import { invalid } from "../kernel/errors.js";
import type { DndRecord } from "../kernel/records.js";

/** Do-not-disturb as a client sends it (the wire message, or JSON over HTTP). */
export interface DndInput {
  on?: boolean | undefined;
  until?: number | bigint | undefined;
  daily?: boolean | undefined;
  fromMinute?: number | undefined;
  toMinute?: number | undefined;
  timeZone?: string | undefined;
}

/** The longest an "on until" may reach ahead: a year, so a typo cannot silence someone for ever. */
const MAX_UNTIL_AHEAD_MS = 366 * 24 * 3600 * 1000;

/**
 * A do-not-disturb setting checked as a whole: minutes within a day, a time zone this runtime
 * knows, an end that is a real time. A setting that holds nothing is stored as off.
 */
export function checkDnd(input: DndInput, now: number): DndRecord {
  const until = Number(input.until ?? 0);
  if (!Number.isSafeInteger(until) || until < 0) throw invalid("until is out of range", "until");
  if (until > now + MAX_UNTIL_AHEAD_MS) throw invalid("until is more than a year ahead", "until");
  const minute = (v: number | undefined, field: string) => {
    const m = v ?? 0;
    if (!Number.isInteger(m) || m < 0 || m >= MINUTES_PER_DAY)
      throw invalid(`${field} must be a minute of the day (0-${MINUTES_PER_DAY - 1})`, field);
    return m;
  };
  const fromMinute = minute(input.fromMinute, "from_minute");
  const toMinute = minute(input.toMinute, "to_minute");
  const timeZone = input.timeZone ?? "";
  if (!isValidTimeZone(timeZone)) throw invalid("unknown time zone", "time_zone");
  const on = input.on === true;
  return { on, until: on ? until : 0, daily: input.daily === true, fromMinute, toMinute, timeZone };
}

/** Whether a user with this stored setting is in do-not-disturb at `atMs` (the shared rule). */
export function dndHolds(d: DndRecord, atMs: number): boolean {
  return inDoNotDisturb(d, atMs);
}
