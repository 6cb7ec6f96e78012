type MentionsKey =
  | "outboxQueued"
  | "outboxSending"
  | "outboxFailed"
  | "outboxRetry"
  | "outboxCancel"
  | "outboxDiscard"
  | "mentionAll"
  | "mentionMarker"
  | "mentionsTab"
  | "mentionsTitle"
  | "mentionsEmpty"
  | "mentionsLoading"
  | "mentionsIn";

/**
 * Unsent messages in a chat, @mentions in the composer, the chats and the
 * view that list mentions of me. Typed here (a StringSection by shape), not
 * by importing i18n.ts, which imports this file.
 */
export const mentionsStrings: { en: Record<MentionsKey, string>; zh: Record<MentionsKey, string> } = {
  en: {
    outboxQueued: "Not sent yet: waiting for the connection",
    outboxSending: "Sending…",
    outboxFailed: "Not sent",
    outboxRetry: "Retry",
    outboxCancel: "Cancel",
    outboxDiscard: "Discard",
    mentionAll: "all",
    mentionMarker: "[@me]",
    mentionsTab: "@me",
    mentionsTitle: "Mentions of me",
    mentionsEmpty: "Nobody has mentioned you yet.",
    mentionsLoading: "Loading…",
    mentionsIn: "in",
  },
  zh: {
    outboxQueued: "未发送：等待网络连接",
    outboxSending: "发送中…",
    outboxFailed: "发送失败",
    outboxRetry: "重试",
    outboxCancel: "取消",
    outboxDiscard: "删除",
    mentionAll: "所有人",
    mentionMarker: "[有人@我]",
    mentionsTab: "@我",
    mentionsTitle: "@我的消息",
    mentionsEmpty: "还没有人@你。",
    mentionsLoading: "正在加载…",
    mentionsIn: "在",
  },
};
