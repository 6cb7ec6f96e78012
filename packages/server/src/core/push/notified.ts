import type { PushDeviceRecord } from "../kernel/records.js";

/**
 * Which devices were notified of which conversation, so that reading it on
 * one device clears it on the others. Kept in memory only and bounded: a
 * clear that is forgotten (restart, eviction) leaves a notification the next
 * one or the app replaces, nothing more.
 */
export class NotifiedDevices {
  /** By user and conversation; a Map keeps insertion order, so the first key is the oldest. */
  private readonly byChat = new Map<string, { seq: number; devices: Map<string, PushDeviceRecord> }>();

  constructor(private readonly maxChats: number) {}

  remember(device: PushDeviceRecord, conversationId: string, seq: number): void {
    const key = keyOf(device.userId, conversationId);
    const e = this.byChat.get(key);
    if (e) {
      this.byChat.delete(key);
      this.byChat.set(key, e);
      e.seq = Math.max(e.seq, seq);
      e.devices.set(device.id, device);
      return;
    }
    if (this.byChat.size >= this.maxChats) {
      const oldest = this.byChat.keys().next().value;
      if (oldest !== undefined) this.byChat.delete(oldest);
    }
    this.byChat.set(key, { seq, devices: new Map([[device.id, device]]) });
  }

  /**
   * The devices to clear once the user read up to `readSeq`, forgotten as they are returned;
   * nothing while a newer notification than what was read is showing.
   */
  take(userId: string, conversationId: string, readSeq: number): PushDeviceRecord[] {
    const key = keyOf(userId, conversationId);
    const e = this.byChat.get(key);
    if (!e || readSeq < e.seq) return [];
    this.byChat.delete(key);
    return [...e.devices.values()];
  }

  /** A device whose token died is not cleared later. */
  forget(deviceIds: ReadonlySet<string>): void {
    for (const e of this.byChat.values()) for (const id of deviceIds) e.devices.delete(id);
  }
}

function keyOf(userId: string, conversationId: string): string {
  return `${userId}\n${conversationId}`;
}
