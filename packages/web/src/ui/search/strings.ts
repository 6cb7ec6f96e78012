import type { StringSection } from "../../i18n.js";

type SearchKey =
  | "searchTab"
  | "searchBox"
  | "searchPlaceholder"
  | "searchKind"
  | "searchKindAll"
  | "searchKindText"
  | "searchKindImages"
  | "searchKindFiles"
  | "searchPeople"
  | "searchGroups"
  | "searchMessages"
  | "searchFiles"
  | "searchMoreMessages"
  | "searchSearching"
  | "searchLoadingMore"
  | "searchHint"
  | "searchNothing"
  | "searchFailed"
  | "searchNotShared"
  | "searchAttachment"
  | "searchResults";

/** The search panel's strings. */
export const searchStrings: StringSection<SearchKey> = {
  en: {
    searchTab: "Search",
    searchBox: "Search people, groups and messages",
    searchPlaceholder: "Search people, groups, messages",
    searchKind: "Message kind",
    searchKindAll: "All kinds",
    searchKindText: "Text",
    searchKindImages: "Images",
    searchKindFiles: "Files",
    searchPeople: "People",
    searchGroups: "Groups",
    searchMessages: "Messages",
    searchFiles: "Files",
    searchMoreMessages: "More messages",
    searchSearching: "Searching…",
    searchLoadingMore: "Loading more messages…",
    searchHint: "Find colleagues by name or pinyin, your groups, and anything said in your chats.",
    searchNothing: "Nothing found for “{query}”.",
    searchFailed: "Search failed: ",
    searchNotShared: "not shared in a chat",
    searchAttachment: "Attachment",
    searchResults: "Search results",
  },
  zh: {
    searchTab: "搜索",
    searchBox: "搜索联系人、群聊和聊天记录",
    searchPlaceholder: "搜索联系人、群聊、聊天记录",
    searchKind: "消息类型",
    searchKindAll: "全部类型",
    searchKindText: "文字",
    searchKindImages: "图片",
    searchKindFiles: "文件",
    searchPeople: "联系人",
    searchGroups: "群聊",
    searchMessages: "聊天记录",
    searchFiles: "文件",
    searchMoreMessages: "更多聊天记录",
    searchSearching: "正在搜索…",
    searchLoadingMore: "正在加载更多聊天记录…",
    searchHint: "按姓名或拼音查找同事，也可以搜索你的群聊和聊天内容。",
    searchNothing: "没有找到与“{query}”相关的结果。",
    searchFailed: "搜索失败：",
    searchNotShared: "未在会话中分享",
    searchAttachment: "附件",
    searchResults: "搜索结果",
  },
};
