import type { PushDeviceRecord } from "../kernel/records.js";
import type { StorePort, UserReader } from "../kernel/shared-store.js";

/** Registered push devices, which only the push module reads and writes. */
export interface PushReads {
  listPushDevices(userId: string): Promise<PushDeviceRecord[]>;
  /** The devices of many users at once (a group message's offline members), in one query. */
  pushDevicesOf(userIds: readonly string[]): Promise<PushDeviceRecord[]>;
  /**
   * Each user's unread total for the app badge: the sum over their conversations of messages
   * after their read cursor, each conversation counted up to `cap`. Users with none are absent.
   */
  unreadTotals(userIds: readonly string[], cap: number): Promise<Map<string, number>>;
}

export interface PushWrites {
  /**
   * Inserts the device, or, when (provider, token) is registered already, gives that row to
   * `device.userId` with the new fields and keeps its id and createdAt. Returns the stored row.
   */
  upsertPushDevice(device: PushDeviceRecord): Promise<PushDeviceRecord>;
  /** Removes a user's device by id or by token; false when there was none. */
  deletePushDevice(userId: string, by: { id?: string; token?: string }): Promise<boolean>;
  /** Removes registrations by id whatever their user (tokens the provider declared dead). */
  deletePushDevicesById(ids: readonly string[]): Promise<number>;
  /** Records that a notification reached the provider for these devices. */
  touchPushDevices(ids: readonly string[], at: number): Promise<void>;
}

export interface PushReader extends PushReads, UserReader {}
export interface PushTx extends PushReader, PushWrites {}

/** The store as the push module sees it. */
export type PushStore = StorePort<PushReader, PushTx>;
