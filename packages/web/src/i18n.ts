import { useSyncExternalStore } from "react";
import { appStrings } from "./ui/app-strings.js";
import { contactsStrings } from "./ui/contacts/strings.js";
import { editReactStrings } from "./ui/edit-react-strings.js";
import { groupStrings } from "./ui/groups/strings.js";
import { mediaStrings } from "./ui/media/strings.js";
import { mentionsStrings } from "./ui/mentions/strings.js";
import { menuStrings } from "./ui/menu/strings.js";
import { searchStrings } from "./ui/search/strings.js";
import { settingsStrings } from "./ui/settings/strings.js";

/** A part of the interface's strings: the same keys in both languages. */
export interface StringSection<K extends string> {
  en: Record<K, string>;
  zh: Record<K, string>;
}

/** The strings of the shell (login, chat list, chat); the panels bring their own sections. */
const BASE = {
  en: {
    appName: "Starling",
    signIn: "Sign in",
    signingIn: "Signing in…",
    userId: "User",
    password: "Password",
    domainHint: "Domain",
    signOut: "Sign out",
    badLogin: "That user and password do not match.",
    locked: "Too many attempts; try again in a few minutes.",
    cannotReach: "Cannot reach the server.",
    reconnecting: "Connection lost; reconnecting…",
    conversations: "Chats",
    noConversations: "No chats yet. Find a colleague to start one.",
    pickConversation: "Pick a chat on the left.",
    typeMessage: "Write a message",
    back: "Back to the list",
    messageList: "Messages",
    skipToComposer: "Skip to the message box",
    skipToMessages: "Skip to the messages",
    skipToList: "Skip to the chat list",
    skipLinks: "Skip links",
    send: "Send",
    loadingOlder: "Loading earlier messages…",
    you: "You",
    recalled: "This message was recalled.",
    language: "中文",
    languageLabel: "Switch the language to Chinese",
    newMessages: "new messages",
    group: "Group",
    members: "members",
    today: "Today",
    yesterday: "Yesterday",
    unread: "unread",
    sendFailed: "Not sent: ",
    attach: "Attach a file",
    uploading: "Uploading",
    cancel: "Cancel",
    reply: "Reply",
    recall: "Recall",
    replyingTo: "Replying to",
    sent: "Sent",
    delivered: "Delivered",
    read: "Read",
    readBy: "read",
    readers: "Read by",
    typingOne: "is typing…",
    openImage: "Open the picture",
    close: "Close",
    download: "Download",
    dropHere: "Drop files to send them",
    notifications: "Turn on notifications",
    online: "online",
    away: "away",
    offline: "offline",
    mentionSomeone: "Mention someone",
    emoji: "Emoji",
    setAvatar: "Change my picture",
    pin: "Pin",
    unpin: "Unpin",
    pinned: "pinned",
    mute: "Mute",
    unmute: "Unmute",
    muted: "muted",
    draft: "Draft",
    recallExpired: "Too late to recall this message.",
    recallExpiredWithin: "Too late to recall: messages can be recalled within {minutes} min of sending.",
    recallForbidden: "Only the sender or a group admin can recall this message.",
    recallAlready: "This message was already recalled.",
    recallGone: "This message no longer exists.",
    recallFailed: "Could not recall the message; try again.",
  },
  zh: {
    appName: "Starling",
    signIn: "登录",
    signingIn: "正在登录…",
    userId: "账号",
    password: "密码",
    domainHint: "域",
    signOut: "退出登录",
    badLogin: "账号或密码不正确。",
    locked: "尝试次数过多，请几分钟后再试。",
    cannotReach: "无法连接服务器。",
    reconnecting: "连接已断开，正在重连…",
    conversations: "消息",
    noConversations: "还没有会话。找一位同事开始聊天吧。",
    pickConversation: "在左侧选择一个会话。",
    typeMessage: "输入消息",
    back: "返回列表",
    messageList: "聊天记录",
    skipToComposer: "跳到输入框",
    skipToMessages: "跳到聊天记录",
    skipToList: "跳到会话列表",
    skipLinks: "快速跳转",
    send: "发送",
    loadingOlder: "正在加载更早的消息…",
    you: "我",
    recalled: "此消息已撤回。",
    language: "English",
    languageLabel: "切换为英文界面",
    newMessages: "条新消息",
    group: "群聊",
    members: "人",
    today: "今天",
    yesterday: "昨天",
    unread: "未读",
    sendFailed: "发送失败：",
    attach: "添加文件",
    uploading: "正在上传",
    cancel: "取消",
    reply: "回复",
    recall: "撤回",
    replyingTo: "回复",
    sent: "已发送",
    delivered: "已送达",
    read: "已读",
    readBy: "人已读",
    readers: "已读成员",
    typingOne: "正在输入…",
    openImage: "查看大图",
    close: "关闭",
    download: "下载",
    dropHere: "松开即可发送文件",
    notifications: "开启桌面通知",
    online: "在线",
    away: "离开",
    offline: "离线",
    mentionSomeone: "提及成员",
    emoji: "表情",
    setAvatar: "更换头像",
    pin: "置顶",
    unpin: "取消置顶",
    pinned: "已置顶",
    mute: "免打扰",
    unmute: "取消免打扰",
    muted: "免打扰",
    draft: "草稿",
    recallExpired: "已超过可撤回的时间。",
    recallExpiredWithin: "已超过可撤回的时间：消息发送后 {minutes} 分钟内可以撤回。",
    recallForbidden: "只有发送者或群管理员可以撤回这条消息。",
    recallAlready: "这条消息已经撤回。",
    recallGone: "这条消息已不存在。",
    recallFailed: "撤回失败，请重试。",
  },
};

const _sameKeys: StringSection<keyof (typeof BASE)["en"]> = BASE;
void _sameKeys;

const SECTIONS = [
  BASE,
  contactsStrings,
  searchStrings,
  groupStrings,
  mentionsStrings,
  settingsStrings,
  mediaStrings,
  menuStrings,
  editReactStrings,
  appStrings,
] as const;
type Merged = (typeof BASE)["en"] &
  (typeof contactsStrings)["en"] &
  (typeof searchStrings)["en"] &
  (typeof groupStrings)["en"] &
  (typeof mentionsStrings)["en"] &
  (typeof settingsStrings)["en"] &
  (typeof mediaStrings)["en"] &
  (typeof menuStrings)["en"] &
  (typeof editReactStrings)["en"] &
  (typeof appStrings)["en"];

/** Every string the interface shows, in English and Chinese. */
const STRINGS = {
  en: Object.assign({}, ...SECTIONS.map((s) => s.en)) as Merged,
  zh: Object.assign({}, ...SECTIONS.map((s) => s.zh)) as Merged,
};

export type Lang = keyof typeof STRINGS;
export type Strings = Merged;

/** The strings of one language, outside React. */
export function stringsOf(lang: Lang): Strings {
  return STRINGS[lang];
}

const KEY = "starling.lang";
const listeners = new Set<() => void>();

function initial(): Lang {
  const saved = globalThis.localStorage?.getItem(KEY);
  if (saved === "en" || saved === "zh") return saved;
  return (globalThis.navigator?.language ?? "en").toLowerCase().startsWith("zh") ? "zh" : "en";
}

let current: Lang = initial();

export function setLang(lang: Lang): void {
  current = lang;
  localStorage.setItem(KEY, lang);
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  for (const l of listeners) l();
}

/** The strings of the chosen language; re-renders on a switch. */
export function useStrings(): { t: Strings; lang: Lang } {
  const lang = useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => current,
  );
  return { t: STRINGS[lang], lang };
}

/** Fills the `{name}` holes of a string; a hole without a value stays as it is. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (hole, key: string) => (key in values ? String(values[key]) : hole));
}
