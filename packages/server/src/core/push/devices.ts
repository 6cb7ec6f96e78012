import { ErrorCode, invalid, notFound, StarlingError } from "../kernel/errors.js";
import { type CoreLimits, MAX_ID_LENGTH, PUSH_DEVICE_LIMITS } from "../kernel/limits.js";
import type { Clock, Random } from "../kernel/ports.js";
import type { PushDeviceRecord } from "../kernel/records.js";
import type { PushProvider } from "./provider.js";
import type { PushStore } from "./store.js";

/** The platforms a device may say it runs on (push.proto PushDevice.platform). */
export const PUSH_PLATFORMS = ["web", "ios", "android", "other"] as const;

/** What a client registers (push.proto RegisterPushDevice). */
export interface PushDeviceInput {
  provider: string;
  platform: string;
  appId: string;
  token: string;
  locale: string;
}

/** What the registry needs of a provider: its name, and the shape check of its tokens. */
export type PushProviderCheck = Pick<PushProvider, "name" | "checkToken">;

/*
 * A BCP 47 language tag, loosely (RFC 5646 section 2.1: subtags of 1-8 letters or digits
 * joined by "-", the first of letters): the tag only chooses a notification's language, so
 * a tag of the right shape that no catalogue knows falls back to the server's.
 */
const LOCALE = /^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$/;

const utf8Bytes = (s: string) => Buffer.byteLength(s, "utf8");

/** A user's devices registered for push notifications: the rules of registering them. */
export class PushDevices {
  private readonly providers: ReadonlyMap<string, PushProviderCheck>;

  constructor(
    private readonly store: PushStore,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly limits: CoreLimits,
    providers: readonly PushProviderCheck[],
  ) {
    this.providers = new Map(providers.map((p) => [p.name, p]));
  }

  /** The providers a device may register with, as configured on this server. */
  providerNames(): string[] {
    return [...this.providers.keys()];
  }

  /**
   * Registers the caller's device, or updates it. A (provider, token) registered already moves
   * to the caller (a phone that changed hands no longer notifies its old owner). Past the per-user
   * limit, the caller's least recently used device is removed: a reinstalled app gets a new token
   * and never unregisters the old one.
   */
  async register(userId: string, input: PushDeviceInput): Promise<PushDeviceRecord> {
    const device = this.check(input);
    const now = this.clock.now();
    return this.store.transaction(async (tx) => {
      const stored = await tx.upsertPushDevice({
        id: `p${Buffer.from(this.random.bytes(15)).toString("base64url")}`,
        userId,
        ...device,
        createdAt: now,
        lastUsedAt: 0,
      });
      const mine = await tx.listPushDevices(userId);
      const excess = mine.length - this.limits.maxPushDevicesPerUser;
      if (excess > 0) {
        const recency = (d: PushDeviceRecord) => Math.max(d.createdAt, d.lastUsedAt);
        const evicted = mine
          .filter((d) => d.id !== stored.id)
          .sort((a, b) => recency(a) - recency(b))
          .slice(0, excess);
        await tx.deletePushDevicesById(evicted.map((d) => d.id));
      }
      return stored;
    });
  }

  /** Removes one of the caller's devices, by id or by token. */
  async unregister(userId: string, by: { id?: string; token?: string }): Promise<void> {
    const id = by.id || undefined;
    const token = by.token || undefined;
    if (!id && !token) throw invalid("give device_id or token", "device_id");
    if (id && id.length > MAX_ID_LENGTH) throw notFound("no such push device");
    if (token && utf8Bytes(token) > PUSH_DEVICE_LIMITS.tokenBytes) throw notFound("no such push device");
    const removed = await this.store.transaction((tx) =>
      tx.deletePushDevice(userId, { ...(id ? { id } : {}), ...(token ? { token } : {}) }),
    );
    if (!removed) throw notFound("no such push device");
  }

  list(userId: string): Promise<PushDeviceRecord[]> {
    return this.store.read.listPushDevices(userId);
  }

  private check(input: PushDeviceInput): PushDeviceInput {
    if (this.providers.size === 0) {
      throw new StarlingError(ErrorCode.CONFLICT, "push notifications are not configured on this server", {
        details: { field: "provider", reason: "push_not_configured" },
      });
    }
    const provider = this.providers.get(input.provider);
    if (!provider) {
      throw invalid(`provider must be one of: ${this.providerNames().join(", ")}`, "provider");
    }
    if (!(PUSH_PLATFORMS as readonly string[]).includes(input.platform)) {
      throw invalid(`platform must be one of: ${PUSH_PLATFORMS.join(", ")}`, "platform");
    }
    if (!input.token) throw invalid("token is required", "token");
    if (utf8Bytes(input.token) > PUSH_DEVICE_LIMITS.tokenBytes) {
      throw invalid(`token is longer than ${PUSH_DEVICE_LIMITS.tokenBytes} bytes`, "token");
    }
    const problem = provider.checkToken?.(input.token);
    if (problem) throw invalid(problem, "token");
    if (utf8Bytes(input.appId) > PUSH_DEVICE_LIMITS.appIdBytes) {
      throw invalid(`app_id is longer than ${PUSH_DEVICE_LIMITS.appIdBytes} bytes`, "app_id");
    }
    if (
      input.locale &&
      (input.locale.length > PUSH_DEVICE_LIMITS.localeLength || !LOCALE.test(input.locale))
    ) {
      throw invalid(
        `locale must be a language tag such as "zh-CN" of at most ${PUSH_DEVICE_LIMITS.localeLength} characters`,
        "locale",
      );
    }
    return {
      provider: input.provider,
      platform: input.platform,
      appId: input.appId,
      token: input.token,
      locale: input.locale,
    };
  }
}
