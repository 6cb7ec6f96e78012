type MediaKey =
  | "chatFiles"
  | "chatFilesTitle"
  | "chatFilesEmpty"
  | "chatFilesLoading"
  | "chatFilesMore"
  | "chatFilesFailed"
  | "chatFilesShow"
  | "chatFilesClose"
  | "viewerZoomIn"
  | "viewerZoomOut"
  | "viewerZoomReset"
  | "viewerPrevious"
  | "viewerNext"
  | "viewerPosition"
  | "viewerLoading"
  | "emojiSearch"
  | "emojiCategories"
  | "emojiRecent"
  | "emojiSmileys"
  | "emojiPeople"
  | "emojiAnimals"
  | "emojiFood"
  | "emojiTravel"
  | "emojiActivities"
  | "emojiObjects"
  | "emojiSymbols"
  | "emojiFlags"
  | "emojiLoading"
  | "emojiNothing"
  | "emojiFailed";

/**
 * The strings of a chat's file list, the image viewer and the emoji picker:
 * a StringSection (i18n.ts), typed here without importing it, so the
 * section and i18n.ts that registers it form no import cycle.
 */
export const mediaStrings: { en: Record<MediaKey, string>; zh: Record<MediaKey, string> } = {
  en: {
    chatFiles: "Files",
    chatFilesTitle: "Files and pictures in this chat",
    chatFilesEmpty: "No files or pictures have been shared in this chat.",
    chatFilesLoading: "Loading files…",
    chatFilesMore: "More files",
    chatFilesFailed: "Could not load the files: ",
    chatFilesShow: "Show in chat",
    chatFilesClose: "Close the file list",
    viewerZoomIn: "Zoom in",
    viewerZoomOut: "Zoom out",
    viewerZoomReset: "Actual size",
    viewerPrevious: "Previous picture",
    viewerNext: "Next picture",
    viewerPosition: "{n} of {total}",
    viewerLoading: "Loading the picture…",
    emojiSearch: "Search emoji",
    emojiCategories: "Emoji categories",
    emojiRecent: "Recently used",
    emojiSmileys: "Smileys and emotion",
    emojiPeople: "People and body",
    emojiAnimals: "Animals and nature",
    emojiFood: "Food and drink",
    emojiTravel: "Travel and places",
    emojiActivities: "Activities",
    emojiObjects: "Objects",
    emojiSymbols: "Symbols",
    emojiFlags: "Flags",
    emojiLoading: "Loading emoji…",
    emojiNothing: "No emoji match “{query}”.",
    emojiFailed: "Could not load the emoji.",
  },
  zh: {
    chatFiles: "文件",
    chatFilesTitle: "本会话的文件和图片",
    chatFilesEmpty: "这个会话里还没有分享过文件或图片。",
    chatFilesLoading: "正在加载文件…",
    chatFilesMore: "更多文件",
    chatFilesFailed: "无法加载文件：",
    chatFilesShow: "定位到聊天位置",
    chatFilesClose: "关闭文件列表",
    viewerZoomIn: "放大",
    viewerZoomOut: "缩小",
    viewerZoomReset: "原始大小",
    viewerPrevious: "上一张",
    viewerNext: "下一张",
    viewerPosition: "第 {n} 张，共 {total} 张",
    viewerLoading: "正在加载图片…",
    emojiSearch: "搜索表情",
    emojiCategories: "表情分类",
    emojiRecent: "最近使用",
    emojiSmileys: "笑脸和情感",
    emojiPeople: "人物和身体",
    emojiAnimals: "动物和自然",
    emojiFood: "食物和饮料",
    emojiTravel: "旅行和地点",
    emojiActivities: "活动",
    emojiObjects: "物品",
    emojiSymbols: "符号",
    emojiFlags: "旗帜",
    emojiLoading: "正在加载表情…",
    emojiNothing: "没有与“{query}”匹配的表情。",
    emojiFailed: "无法加载表情。",
  },
};
