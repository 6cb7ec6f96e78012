type AppKey =
  | "offlineSaved"
  | "pushTitle"
  | "pushEnable"
  | "pushEnabling"
  | "pushOn"
  | "pushDisable"
  | "pushFailed"
  | "pushUnsupported";

/**
 * The installed app: opening offline, and notifications while the app is
 * closed (Web Push). The type is i18n.ts's StringSection spelled out:
 * importing it from i18n.ts, which imports this file, would make a cycle.
 */
export const appStrings: { en: Record<AppKey, string>; zh: Record<AppKey, string> } = {
  en: {
    offlineSaved: "No connection: showing what this device saved. Trying again…",
    pushTitle: "When Starling is closed",
    pushEnable: "Notify me when Starling is closed",
    pushEnabling: "Turning on…",
    pushOn: "Notifications arrive on this device even when Starling is closed.",
    pushDisable: "Stop",
    pushFailed: "Notifications while closed could not be turned on:",
    pushUnsupported: "This browser cannot notify while Starling is closed.",
  },
  zh: {
    offlineSaved: "无网络连接：显示本设备保存的内容，正在重试…",
    pushTitle: "Starling 关闭时",
    pushEnable: "Starling 关闭时也通知我",
    pushEnabling: "正在开启…",
    pushOn: "即使 Starling 已关闭，本设备也会收到通知。",
    pushDisable: "停止",
    pushFailed: "无法开启关闭时的通知：",
    pushUnsupported: "此浏览器无法在 Starling 关闭时发送通知。",
  },
};
