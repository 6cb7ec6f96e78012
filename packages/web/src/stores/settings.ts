import type { Settings as WireSettings } from "@starling/sdk";
import type { KeyValueStorage } from "./environment.js";
import type { Session } from "./session.js";
import { Store } from "./store.js";

export type Theme = "system" | "light" | "dark";
export type FontSize = "small" | "normal" | "large";

/** What follows the user to every device (kept by the server). */
export interface RoamingSettings {
  desktopNotifications: boolean;
  notificationSound: boolean;
  messagePreviews: boolean;
}

/** What belongs to this screen alone (kept in this browser's storage, for whoever signs in here). */
export interface DeviceSettings {
  theme: Theme;
  fontSize: FontSize;
}

const DEVICE_KEY = "starling.display";
const THEMES: readonly Theme[] = ["system", "light", "dark"];
const FONT_SIZES: readonly FontSize[] = ["small", "normal", "large"];
const DEFAULT_ROAMING: RoamingSettings = {
  desktopNotifications: true,
  notificationSound: true,
  messagePreviews: true,
};

/**
 * The user's settings. Notifications, their sound and their previews roam: a user who silences
 * them on the laptop expects the phone to be silent too, as Slack and Feishu do. Theme and font
 * size stay on the device, since a dark office screen and a bright phone want different ones.
 * (Do-not-disturb roams too, but lives on the directory card: colleagues see it.)
 */
export class Settings extends Store {
  roaming: RoamingSettings = { ...DEFAULT_ROAMING };
  device: DeviceSettings;
  /** The server's version of `roaming`: an older answer never overwrites a newer push. */
  private serverVersion = -1n;

  constructor(
    private readonly session: Session,
    private readonly storage: KeyValueStorage,
  ) {
    super();
    this.device = readDevice(storage);
  }

  /** Loads the roaming settings for the signed-in user. */
  async load(): Promise<void> {
    const c = this.session.client;
    if (!c) return;
    try {
      const s = await c.settings();
      if (this.session.owns(c)) this.received(s);
    } catch {
      // Defaults stand until the next connection loads them.
    }
  }

  /** The server's settings, from an answer or a push from another device. */
  received(s: WireSettings): void {
    if (s.version < this.serverVersion) return;
    this.serverVersion = s.version;
    this.roaming = {
      desktopNotifications: s.desktopNotifications,
      notificationSound: s.notificationSound,
      messagePreviews: s.messagePreviews,
    };
    this.changed();
  }

  async setRoaming(patch: Partial<RoamingSettings>): Promise<void> {
    const c = this.session.client;
    if (!c) return;
    this.roaming = { ...this.roaming, ...patch };
    this.changed();
    this.received(await c.setSettings(patch));
  }

  setDevice(patch: Partial<DeviceSettings>): void {
    this.device = { ...this.device, ...patch };
    this.storage.setItem(DEVICE_KEY, JSON.stringify(this.device));
    this.changed();
  }

  /** Signed out: the next user starts from the defaults until theirs load; the device's stay. */
  reset(): void {
    this.roaming = { ...DEFAULT_ROAMING };
    this.serverVersion = -1n;
    this.changed();
  }
}

function readDevice(storage: KeyValueStorage): DeviceSettings {
  try {
    const v = JSON.parse(storage.getItem(DEVICE_KEY) ?? "{}") as Partial<DeviceSettings>;
    return {
      theme: THEMES.includes(v.theme as Theme) ? (v.theme as Theme) : "system",
      fontSize: FONT_SIZES.includes(v.fontSize as FontSize) ? (v.fontSize as FontSize) : "normal",
    };
  } catch {
    return { theme: "system", fontSize: "normal" };
  }
}
