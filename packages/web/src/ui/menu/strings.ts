type MenuKey =
  | "menuMore"
  | "menuLabel"
  | "menuReply"
  | "menuQuote"
  | "menuCopy"
  | "menuCopied"
  | "menuForward"
  | "menuSelect"
  | "menuPin"
  | "menuUnpin"
  | "menuFavourite"
  | "menuUnfavourite"
  | "menuDelete"
  | "menuRecall"
  | "menuFailed"
  | "selectMessage"
  | "selectedCount"
  | "selectForwardEach"
  | "selectForwardMerged"
  | "selectDelete"
  | "selectCancel"
  | "forwardTitle"
  | "forwardMergedTitle"
  | "forwardSearch"
  | "forwardNoMatches"
  | "forwardChosen"
  | "forwardSend"
  | "forwardSending"
  | "forwardDone"
  | "forwardFailed"
  | "historyOf"
  | "historyOfChat"
  | "historyAnd"
  | "historyItems"
  | "historyOpen"
  | "historyEmpty"
  | "attachmentCount"
  | "quotedMessage"
  | "jumpToQuoted"
  | "pinnedMessages"
  | "pinnedJump"
  | "favouritesTab"
  | "favouritesEmpty"
  | "favouritesMore"
  | "favouritesRemove"
  | "favouritesOpen"
  | "favouritesLoading";

/**
 * The message menu's strings: its actions, multi-select, forwarding, pins
 * and favourites. A StringSection by shape; the type is not imported, since
 * i18n.ts imports this file.
 */
export const menuStrings: { en: Record<MenuKey, string>; zh: Record<MenuKey, string> } = {
  en: {
    menuMore: "More actions",
    menuLabel: "Message actions",
    menuReply: "Reply",
    menuQuote: "Quote",
    menuCopy: "Copy",
    menuCopied: "Copied",
    menuForward: "Forward",
    menuSelect: "Select",
    menuPin: "Pin in chat",
    menuUnpin: "Unpin",
    menuFavourite: "Add to favourites",
    menuUnfavourite: "Remove from favourites",
    menuDelete: "Delete for me",
    menuRecall: "Recall",
    menuFailed: "That did not work: ",
    selectMessage: "Select this message",
    selectedCount: "{count} selected",
    selectForwardEach: "Forward one by one",
    selectForwardMerged: "Forward as chat history",
    selectDelete: "Delete for me",
    selectCancel: "Cancel",
    forwardTitle: "Forward to",
    forwardMergedTitle: "Forward chat history to",
    forwardSearch: "Search chats",
    forwardNoMatches: "No chat matches.",
    forwardChosen: "{count} chosen",
    forwardSend: "Send",
    forwardSending: "Sending…",
    forwardDone: "Forwarded.",
    forwardFailed: "Could not forward to {chat}: ",
    historyOf: "Chat history of {names}",
    historyOfChat: "Chat history of {chat}",
    historyAnd: " and ",
    historyItems: "{count} messages",
    historyOpen: "Open the chat history",
    historyEmpty: "No messages.",
    attachmentCount: "[{count} files]",
    quotedMessage: "Quoted message",
    jumpToQuoted: "Go to the quoted message",
    pinnedMessages: "Pinned messages",
    pinnedJump: "Go to the pinned message",
    favouritesTab: "Favourites",
    favouritesEmpty: "Nothing saved yet. Add messages from their menu.",
    favouritesMore: "Show older",
    favouritesRemove: "Remove",
    favouritesOpen: "Go to the message",
    favouritesLoading: "Loading…",
  },
  zh: {
    menuMore: "更多操作",
    menuLabel: "消息操作",
    menuReply: "回复",
    menuQuote: "引用",
    menuCopy: "复制",
    menuCopied: "已复制",
    menuForward: "转发",
    menuSelect: "多选",
    menuPin: "置顶到聊天",
    menuUnpin: "取消置顶",
    menuFavourite: "收藏",
    menuUnfavourite: "取消收藏",
    menuDelete: "删除（仅自己）",
    menuRecall: "撤回",
    menuFailed: "操作失败：",
    selectMessage: "选择这条消息",
    selectedCount: "已选择 {count} 条",
    selectForwardEach: "逐条转发",
    selectForwardMerged: "合并转发",
    selectDelete: "删除（仅自己）",
    selectCancel: "取消",
    forwardTitle: "转发给",
    forwardMergedTitle: "合并转发给",
    forwardSearch: "搜索会话",
    forwardNoMatches: "没有匹配的会话。",
    forwardChosen: "已选 {count} 个",
    forwardSend: "发送",
    forwardSending: "正在发送…",
    forwardDone: "已转发。",
    forwardFailed: "转发到 {chat} 失败：",
    historyOf: "{names}的聊天记录",
    historyOfChat: "{chat}的聊天记录",
    historyAnd: "和",
    historyItems: "共 {count} 条消息",
    historyOpen: "查看聊天记录",
    historyEmpty: "没有消息。",
    attachmentCount: "[{count} 个文件]",
    quotedMessage: "引用的消息",
    jumpToQuoted: "跳转到被引用的消息",
    pinnedMessages: "置顶消息",
    pinnedJump: "跳转到置顶消息",
    favouritesTab: "收藏",
    favouritesEmpty: "还没有收藏。可在消息菜单中添加。",
    favouritesMore: "查看更早的",
    favouritesRemove: "移除",
    favouritesOpen: "跳转到消息",
    favouritesLoading: "正在加载…",
  },
};
