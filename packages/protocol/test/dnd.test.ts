import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { inDailyRange, inDoNotDisturb, isValidTimeZone, minuteOfDay } from "../src/dnd.js";

const OFF = { on: false, until: 0, daily: false, fromMinute: 0, toMinute: 0, timeZone: "" };
const at = (iso: string) => Date.parse(iso);

describe("do-not-disturb rule", () => {
  it("is off when never set or turned off", () => {
    assert.equal(inDoNotDisturb(undefined, Date.now()), false);
    assert.equal(inDoNotDisturb(OFF, Date.now()), false);
  });

  it("on by hand holds until turned off, or until its end", () => {
    assert.equal(inDoNotDisturb({ ...OFF, on: true }, at("2030-01-01T00:00:00Z")), true);
    const until = at("2026-05-01T12:00:00Z");
    assert.equal(inDoNotDisturb({ ...OFF, on: true, until }, until - 1), true);
    assert.equal(inDoNotDisturb({ ...OFF, on: true, until: BigInt(until) }, until), false);
  });

  it("daily hours within a day", () => {
    const d = { ...OFF, daily: true, fromMinute: 12 * 60, toMinute: 13 * 60, timeZone: "UTC" };
    assert.equal(inDoNotDisturb(d, at("2026-05-01T11:59:00Z")), false);
    assert.equal(inDoNotDisturb(d, at("2026-05-01T12:00:00Z")), true);
    assert.equal(inDoNotDisturb(d, at("2026-05-01T12:59:00Z")), true);
    assert.equal(inDoNotDisturb(d, at("2026-05-01T13:00:00Z")), false);
  });

  it("overnight hours run past midnight", () => {
    const d = { ...OFF, daily: true, fromMinute: 22 * 60, toMinute: 8 * 60, timeZone: "" };
    assert.equal(inDoNotDisturb(d, at("2026-05-01T21:59:00Z")), false);
    assert.equal(inDoNotDisturb(d, at("2026-05-01T22:00:00Z")), true);
    assert.equal(inDoNotDisturb(d, at("2026-05-02T03:00:00Z")), true);
    assert.equal(inDoNotDisturb(d, at("2026-05-02T07:59:00Z")), true);
    assert.equal(inDoNotDisturb(d, at("2026-05-02T08:00:00Z")), false);
    assert.equal(inDoNotDisturb(d, at("2026-05-02T12:00:00Z")), false);
  });

  it("reads the clock of the user's time zone", () => {
    // 22:00-08:00 in Shanghai (UTC+8) is 14:00-24:00 UTC.
    const d = { ...OFF, daily: true, fromMinute: 22 * 60, toMinute: 8 * 60, timeZone: "Asia/Shanghai" };
    assert.equal(inDoNotDisturb(d, at("2026-05-01T13:59:00Z")), false);
    assert.equal(inDoNotDisturb(d, at("2026-05-01T14:00:00Z")), true);
    assert.equal(inDoNotDisturb(d, at("2026-05-01T23:30:00Z")), true);
    assert.equal(inDoNotDisturb(d, at("2026-05-02T00:00:00Z")), false);
    // New York keeps summer time: 09:00-17:00 local is 13:00-21:00 UTC in July, 14:00-22:00 in January.
    const ny = { ...OFF, daily: true, fromMinute: 9 * 60, toMinute: 17 * 60, timeZone: "America/New_York" };
    assert.equal(inDoNotDisturb(ny, at("2026-07-01T13:30:00Z")), true);
    assert.equal(inDoNotDisturb(ny, at("2026-01-15T13:30:00Z")), false);
    assert.equal(inDoNotDisturb(ny, at("2026-01-15T21:30:00Z")), true);
  });

  it("equal ends mean no daily hours", () => {
    assert.equal(inDailyRange(600, 600, 600), false);
    assert.equal(inDoNotDisturb({ ...OFF, daily: true, fromMinute: 60, toMinute: 60 }, Date.now()), false);
  });

  it("knows time zones and minutes of the day", () => {
    assert.equal(isValidTimeZone("Asia/Shanghai"), true);
    assert.equal(isValidTimeZone(""), true);
    assert.equal(isValidTimeZone("Mars/Olympus"), false);
    assert.equal(minuteOfDay(at("2026-05-01T00:05:00Z"), "Asia/Kolkata"), 5 * 60 + 35);
  });
});
