import type { PushNotification, PushProvider, PushTarget } from "../../src/core/push/provider.js";

/**
 * What a provider's emulator saw of one accepted request, reduced to what every provider
 * carries, so one suite can check every adapter. Each emulator also checks its own
 * provider's request shape and auth in detail and refuses what the real API would refuse.
 */
export interface ReceivedPush {
  token: string;
  /** Empty for a quiet or clear push that shows nothing. */
  title: string;
  body: string;
  /** The collapse key / tag / topic the request carried (the conversation id or a digest of it). */
  collapseKey: string;
  /** The badge number, when the provider carries one. */
  badge?: number;
  quiet: boolean;
  /** The conversation id as the app receives it in the data payload. */
  conversationId: string;
}

/** An emulator of one provider's API on 127.0.0.1, written from its published reference. */
export interface ProviderEmulator {
  /** Requests it accepted, in order. */
  readonly received: ReceivedPush[];
  /** A token it accepts. */
  readonly validToken: string;
  /** A token it answers as unregistered / expired / invalid (as the provider does). */
  readonly deadToken: string;
  /** The next request answers the provider's "too many requests" (with its retry hint if it has one). */
  rateLimitNext(): void;
  /** The next request answers the provider's internal or unavailable error. */
  failNext(): void;
  /** Requests it refused for bad auth (wrong key, signature, token). */
  readonly authFailures: number;
  stop(): Promise<void>;
}

export interface ProviderCase {
  name: string;
  /** Why it cannot run here (the case is skipped, saying why), or undefined. */
  unavailable?(): Promise<string | undefined>;
  /** Starts the emulator on port 0 and builds the adapter pointed at it. */
  start(): Promise<{
    emulator: ProviderEmulator;
    provider: PushProvider;
    /** The same adapter with credentials the emulator refuses. */
    wrongCredentials: PushProvider;
  }>;
  /** Whether a "clear" notification reaches the device (false: the adapter answers ok and sends nothing). */
  clears: boolean;
  /** Whether the provider carries a badge number. */
  badges: boolean;
}

export function notification(over: Partial<PushNotification> = {}): PushNotification {
  return {
    kind: "message",
    conversationId: "g:0123456789abcdef",
    seq: 7,
    count: 1,
    quiet: false,
    mention: false,
    title: "刘德华",
    body: "新消息",
    badge: 3,
    senderId: "liudehua@example.com",
    sentAt: 1_700_000_000_000,
    ...over,
  };
}

/** The Android device every case sends to, with the provider's token for it. */
export function pushTarget(token: string): PushTarget {
  return {
    deviceId: "d1",
    userId: "bob@example.com",
    token,
    appId: "com.example.starling",
    platform: "android",
    locale: "zh-CN",
  };
}
