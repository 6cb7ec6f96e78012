import type { StringSection } from "../i18n.js";

type PasswordKey =
  | "newPasswordTitle"
  | "newPasswordWhy"
  | "newPasswordRules"
  | "newPasswordRuleLength"
  | "newPasswordRuleUser"
  | "newPasswordRuleDifferent"
  | "newPassword"
  | "newPasswordAgain"
  | "newPasswordSave"
  | "newPasswordSaving"
  | "newPasswordTooShort"
  | "newPasswordTooLong"
  | "newPasswordIsUser"
  | "newPasswordSame"
  | "newPasswordMismatch"
  | "newPasswordRejected"
  | "activateTitle"
  | "activateWhy"
  | "activateInvalid"
  | "activateExpired"
  | "activateUsed"
  | "activateBack";

/**
 * The step an imported or reset account goes through at its first login, or an invited person
 * opening their invite link (loaded with it).
 */
export const passwordStrings: StringSection<PasswordKey> = {
  en: {
    newPasswordTitle: "Choose a new password",
    newPasswordWhy: "Your account has an initial password. Choose your own before you start.",
    newPasswordRules: "The new password must:",
    newPasswordRuleLength: "have at least {n} characters",
    newPasswordRuleUser: "not be your user name",
    newPasswordRuleDifferent: "differ from the initial password",
    newPassword: "New password",
    newPasswordAgain: "New password again",
    newPasswordSave: "Set the password and continue",
    newPasswordSaving: "Saving…",
    newPasswordTooShort: "The password is too short: it needs at least {n} characters.",
    newPasswordTooLong: "The password is too long: at most {n} characters.",
    newPasswordIsUser: "The password must not be your user name.",
    newPasswordSame: "The new password must differ from the initial one.",
    newPasswordMismatch: "The two passwords are not the same.",
    newPasswordRejected: "The server did not accept this password: ",
    activateTitle: "Welcome: choose your password",
    activateWhy: "You were invited as {user}. Choose your password to start.",
    activateInvalid:
      "This invite's code is not valid (a newer invite replaced it?). Ask your administrator for a new one.",
    activateExpired: "This invite has expired. Ask your administrator for a new one.",
    activateUsed: "This invite was used already. Sign in with the password you chose.",
    activateBack: "Back to sign in",
  },
  zh: {
    newPasswordTitle: "设置新密码",
    newPasswordWhy: "你的账号使用的是初始密码，请先设置自己的密码再开始使用。",
    newPasswordRules: "新密码需要：",
    newPasswordRuleLength: "至少 {n} 个字符",
    newPasswordRuleUser: "不能与账号相同",
    newPasswordRuleDifferent: "不能与初始密码相同",
    newPassword: "新密码",
    newPasswordAgain: "再次输入新密码",
    newPasswordSave: "设置密码并继续",
    newPasswordSaving: "正在保存…",
    newPasswordTooShort: "密码太短：至少需要 {n} 个字符。",
    newPasswordTooLong: "密码太长：最多 {n} 个字符。",
    newPasswordIsUser: "密码不能与账号相同。",
    newPasswordSame: "新密码不能与初始密码相同。",
    newPasswordMismatch: "两次输入的密码不一致。",
    newPasswordRejected: "服务器未接受此密码：",
    activateTitle: "欢迎：设置你的密码",
    activateWhy: "你已受邀以 {user} 加入。设置密码后即可开始使用。",
    activateInvalid: "此邀请中的激活码无效（可能已被新的邀请取代），请联系管理员重新邀请。",
    activateExpired: "此邀请已过期，请联系管理员重新邀请。",
    activateUsed: "此邀请已被使用，请用你设置的密码登录。",
    activateBack: "返回登录",
  },
};
