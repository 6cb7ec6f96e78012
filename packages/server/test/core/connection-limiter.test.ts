import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { addressKey, ConnectionLimiter } from "../../src/core/kernel/connection-limiter.js";
import { LogThrottle } from "../../src/core/kernel/log-throttle.js";
import type { Logger } from "../../src/core/kernel/ports.js";

class Lines implements Logger {
  readonly lines: { msg: string; obj: Record<string, unknown> }[] = [];
  debug(): void {}
  info(obj: object, msg = ""): void {
    this.lines.push({ msg, obj: obj as Record<string, unknown> });
  }
  warn(obj: object, msg = ""): void {
    this.lines.push({ msg, obj: obj as Record<string, unknown> });
  }
  error(): void {}
}

const clock = { t: 0, now: () => clock.t };

describe("ConnectionLimiter", () => {
  test("IPv6 addresses count by their /64, IPv4-mapped ones as IPv4", () => {
    assert.equal(addressKey("::ffff:10.0.0.1"), "10.0.0.1");
    assert.equal(addressKey("2001:db8:1:2:aaaa::1"), addressKey("2001:0db8:1:2:bbbb:1:2:3"));
    assert.notEqual(addressKey("2001:db8:1:2::1"), addressKey("2001:db8:1:3::1"));
  });

  test("refusals are logged once per window with the count held back", () => {
    const log = new Lines();
    const limiter = new ConnectionLimiter(
      {
        maxPerAddress: 2,
        maxUnauthenticatedPerAddress: 0,
        maxSessionsPerUser: 0,
        exemptAddresses: ["10.9.9.9"],
      },
      () => 0,
      new LogThrottle(log, clock, 1000),
    );
    const held = [
      limiter.admit("10.0.0.1", "native-tcp", "session"),
      limiter.admit("10.0.0.1", "http", "socket"),
    ];
    for (let i = 0; i < 100; i++) assert.ok(limiter.admit("10.0.0.1", "native-tcp", "session").refusal);
    assert.equal(log.lines.length, 1);
    assert.equal(log.lines[0]?.obj.ip, "10.0.0.1");
    clock.t += 1000;
    assert.ok(limiter.admit("10.0.0.1", "xmpp-tcp", "session").refusal);
    assert.equal(log.lines.length, 2);
    assert.equal(log.lines[1]?.obj.suppressed, 99);
    // An exempt address is never counted; a released slot is free again.
    for (let i = 0; i < 10; i++) assert.equal(limiter.admit("10.9.9.9", "http", "socket").refusal, undefined);
    held[0]?.release();
    held[0]?.release();
    assert.equal(limiter.admit("10.0.0.1", "native-ws", "session").refusal, undefined);
    assert.deepEqual(limiter.openFrom("10.0.0.1"), { total: 2, unauthenticated: 1 });
  });
});
