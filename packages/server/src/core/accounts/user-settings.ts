import { create, type Settings, SettingsSchema } from "@starling/protocol";
import type { Bus } from "../kernel/ports.js";
import { DEFAULT_SETTINGS, type UserSettingsRecord } from "../kernel/records.js";
import { pushFrame } from "../messaging/push.js";
import type { AccountsStore } from "./store.js";

export interface SettingsPatch {
  desktopNotifications?: boolean | undefined;
  notificationSound?: boolean | undefined;
  messagePreviews?: boolean | undefined;
}

/**
 * The settings that follow a user to every device: whether to show desktop notifications, play
 * their sound, show message text in them. What belongs to one screen (theme, font size, language)
 * stays on that device and never reaches the server; do-not-disturb is on the directory card,
 * because colleagues see it.
 */
export class UserSettings {
  constructor(
    private readonly store: AccountsStore,
    private readonly bus: Bus,
  ) {}

  async get(userId: string): Promise<Settings> {
    return toSettings((await this.store.read.getUserSettings(userId)) ?? DEFAULT_SETTINGS);
  }

  /**
   * Changes the fields given and tells the user's other sessions (not `sessionId`, which gets
   * the answer); nothing given reads them, and a change to the same values writes nothing.
   */
  async set(userId: string, patch: SettingsPatch, sessionId?: string): Promise<Settings> {
    const saved = await this.store.transaction(async (tx) => {
      const current = (await tx.getUserSettings(userId)) ?? DEFAULT_SETTINGS;
      const next: UserSettingsRecord = {
        desktopNotifications: patch.desktopNotifications ?? current.desktopNotifications,
        notificationSound: patch.notificationSound ?? current.notificationSound,
        messagePreviews: patch.messagePreviews ?? current.messagePreviews,
        version: current.version,
      };
      const same =
        next.desktopNotifications === current.desktopNotifications &&
        next.notificationSound === current.notificationSound &&
        next.messagePreviews === current.messagePreviews;
      if (same) return { record: current, changed: false };
      next.version = current.version + 1;
      await tx.putUserSettings(userId, next);
      return { record: next, changed: true };
    });
    const settings = toSettings(saved.record);
    if (saved.changed)
      this.bus.publish([userId], pushFrame({ case: "settingsChanged", value: settings }), sessionId);
    return settings;
  }
}

function toSettings(r: UserSettingsRecord): Settings {
  return create(SettingsSchema, {
    desktopNotifications: r.desktopNotifications,
    notificationSound: r.notificationSound,
    messagePreviews: r.messagePreviews,
    version: BigInt(r.version),
  });
}
