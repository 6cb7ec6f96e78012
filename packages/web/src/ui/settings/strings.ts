type SettingsKey =
  | "settingsOpen"
  | "settingsTitle"
  | "settingsClose"
  | "settingsProfile"
  | "settingsDisplayName"
  | "settingsStatus"
  | "settingsStatusHint"
  | "settingsSave"
  | "settingsSaved"
  | "settingsFailed"
  | "settingsDnd"
  | "settingsDndOff"
  | "settingsDndOn"
  | "settingsDndHour"
  | "settingsDndDaily"
  | "settingsDndFrom"
  | "settingsDndTo"
  | "settingsDndZone"
  | "settingsDndNow"
  | "settingsNotifications"
  | "settingsDesktop"
  | "settingsSound"
  | "settingsPreviews"
  | "settingsAllowBrowser"
  | "settingsBrowserBlocked"
  | "settingsRoamingHint"
  | "settingsAppearance"
  | "settingsLanguage"
  | "settingsTheme"
  | "settingsThemeSystem"
  | "settingsThemeLight"
  | "settingsThemeDark"
  | "settingsFontSize"
  | "settingsFontSmall"
  | "settingsFontNormal"
  | "settingsFontLarge"
  | "settingsDeviceHint"
  | "settingsPassword"
  | "settingsCurrentPassword"
  | "settingsChangePassword"
  | "settingsPasswordChanged"
  | "settingsWrongPassword"
  | "settingsSessions"
  | "settingsThisDevice"
  | "settingsSignOutSession"
  | "settingsSignOutOthers"
  | "settingsCreated"
  | "settingsLastActive"
  | "settingsUnknownClient"
  | "dndMark";

/**
 * The settings page and the do-not-disturb mark colleagues see. A `StringSection` of i18n.ts in
 * shape, written out so that this file need not import the module that imports it.
 */
export const settingsStrings: { en: Record<SettingsKey, string>; zh: Record<SettingsKey, string> } = {
  en: {
    settingsOpen: "Settings",
    settingsTitle: "Settings",
    settingsClose: "Close settings",
    settingsProfile: "Profile",
    settingsDisplayName: "Display name",
    settingsStatus: "Status",
    settingsStatusHint: "Shown to colleagues next to your name, e.g. “In a meeting”.",
    settingsSave: "Save",
    settingsSaved: "Saved.",
    settingsFailed: "Could not save: ",
    settingsDnd: "Do not disturb",
    settingsDndOff: "Off",
    settingsDndOn: "On until I turn it off",
    settingsDndHour: "On for one hour",
    settingsDndDaily: "Every day from",
    settingsDndFrom: "From",
    settingsDndTo: "to",
    settingsDndZone: "Time zone: {zone}",
    settingsDndNow: "Do not disturb is on now: no notifications or sounds; messages still arrive.",
    settingsNotifications: "Notifications",
    settingsDesktop: "Desktop notifications",
    settingsSound: "Notification sound",
    settingsPreviews: "Show message text in notifications",
    settingsAllowBrowser: "Allow notifications in this browser",
    settingsBrowserBlocked:
      "This browser blocks notifications from Starling; allow them in its site settings.",
    settingsRoamingHint: "These follow you to all your devices.",
    settingsAppearance: "Appearance",
    settingsLanguage: "Language",
    settingsTheme: "Theme",
    settingsThemeSystem: "As the system",
    settingsThemeLight: "Light",
    settingsThemeDark: "Dark",
    settingsFontSize: "Text size in chats",
    settingsFontSmall: "Small",
    settingsFontNormal: "Normal",
    settingsFontLarge: "Large",
    settingsDeviceHint: "Theme and text size apply to this device only.",
    settingsPassword: "Password",
    settingsCurrentPassword: "Current password",
    settingsChangePassword: "Change the password",
    settingsPasswordChanged: "Password changed. Your other devices were signed out.",
    settingsWrongPassword: "The current password is wrong.",
    settingsSessions: "Devices and sessions",
    settingsThisDevice: "This device",
    settingsSignOutSession: "Sign out",
    settingsSignOutOthers: "Sign out all other sessions",
    settingsCreated: "Signed in",
    settingsLastActive: "Last active",
    settingsUnknownClient: "Unknown client",
    dndMark: "Do not disturb",
  },
  zh: {
    settingsOpen: "设置",
    settingsTitle: "设置",
    settingsClose: "关闭设置",
    settingsProfile: "个人资料",
    settingsDisplayName: "显示名称",
    settingsStatus: "状态",
    settingsStatusHint: "显示在你的名字旁，同事都能看到，例如“开会中”。",
    settingsSave: "保存",
    settingsSaved: "已保存。",
    settingsFailed: "保存失败：",
    settingsDnd: "勿扰模式",
    settingsDndOff: "关闭",
    settingsDndOn: "开启，直到我关闭",
    settingsDndHour: "开启一小时",
    settingsDndDaily: "每天定时",
    settingsDndFrom: "从",
    settingsDndTo: "到",
    settingsDndZone: "时区：{zone}",
    settingsDndNow: "勿扰模式已开启：不弹通知、不响提示音，消息照常接收。",
    settingsNotifications: "通知",
    settingsDesktop: "桌面通知",
    settingsSound: "提示音",
    settingsPreviews: "通知中显示消息内容",
    settingsAllowBrowser: "允许此浏览器显示通知",
    settingsBrowserBlocked: "此浏览器已禁止 Starling 的通知，请在网站设置中允许。",
    settingsRoamingHint: "这些设置会同步到你的所有设备。",
    settingsAppearance: "外观",
    settingsLanguage: "语言",
    settingsTheme: "主题",
    settingsThemeSystem: "跟随系统",
    settingsThemeLight: "浅色",
    settingsThemeDark: "深色",
    settingsFontSize: "聊天字号",
    settingsFontSmall: "小",
    settingsFontNormal: "标准",
    settingsFontLarge: "大",
    settingsDeviceHint: "主题和字号只对这台设备生效。",
    settingsPassword: "密码",
    settingsCurrentPassword: "当前密码",
    settingsChangePassword: "修改密码",
    settingsPasswordChanged: "密码已修改，你的其他设备已退出登录。",
    settingsWrongPassword: "当前密码不正确。",
    settingsSessions: "设备与登录",
    settingsThisDevice: "本机",
    settingsSignOutSession: "退出登录",
    settingsSignOutOthers: "退出其他所有设备",
    settingsCreated: "登录于",
    settingsLastActive: "最近活跃",
    settingsUnknownClient: "未知客户端",
    dndMark: "勿扰",
  },
};
