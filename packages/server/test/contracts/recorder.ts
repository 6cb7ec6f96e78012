import type { BusReceiver, KickReason } from "../../src/core/kernel/ports.js";

export type Received =
  | { kind: "deliver"; userIds: readonly string[]; frame: string; exceptSession?: string }
  | { kind: "domain"; domain: string; frame: string }
  | {
      kind: "kick";
      userIds: readonly string[];
      reason: KickReason;
      keepToken?: string;
      onlyToken?: string;
    }
  | { kind: "to"; userId: string; address: string; frame: string }
  | { kind: "resync" };

const text = (frame: Uint8Array) => new TextDecoder().decode(frame);

/** A BusReceiver that keeps what it is handed, in order, and lets a test wait for an entry. */
export class RecordingReceiver implements BusReceiver {
  readonly got: Received[] = [];
  private waiters: { match: (r: Received) => boolean; resolve: (r: Received) => void }[] = [];

  deliver(userIds: readonly string[], frame: Uint8Array, exceptSession?: string): void {
    this.add({
      kind: "deliver",
      userIds: [...userIds],
      frame: text(frame),
      ...(exceptSession ? { exceptSession } : {}),
    });
  }
  deliverDomain(domain: string, frame: Uint8Array): void {
    this.add({ kind: "domain", domain, frame: text(frame) });
  }
  kick(userIds: readonly string[], reason: KickReason, keepToken?: string, onlyToken?: string): void {
    this.add({
      kind: "kick",
      userIds: [...userIds],
      reason,
      ...(keepToken ? { keepToken } : {}),
      ...(onlyToken ? { onlyToken } : {}),
    });
  }
  deliverTo(userId: string, address: string, frame: Uint8Array): void {
    this.add({ kind: "to", userId, address, frame: text(frame) });
  }
  resync(): void {
    this.add({ kind: "resync" });
  }

  /** The first entry, received or still to come, that matches. */
  next(match: (r: Received) => boolean): Promise<Received> {
    const found = this.got.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  private add(r: Received): void {
    this.got.push(r);
    const [hit, rest] = [this.waiters.filter((w) => w.match(r)), this.waiters.filter((w) => !w.match(r))];
    this.waiters = rest;
    for (const w of hit) w.resolve(r);
  }
}

export const frame = (s: string) => new TextEncoder().encode(s);
