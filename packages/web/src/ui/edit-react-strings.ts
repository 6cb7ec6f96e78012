type EditReactKey =
  | "editAction"
  | "edited"
  | "editedAt"
  | "editing"
  | "editCancel"
  | "editSave"
  | "editExpired"
  | "editExpiredWithin"
  | "editForbidden"
  | "editMentionAll"
  | "editGone"
  | "editFailed"
  | "reactAction"
  | "reactChoose"
  | "reactMore"
  | "reactions"
  | "reactedBy"
  | "reactFailed";

/**
 * Editing one's messages and reacting to messages. The type is i18n.ts's
 * StringSection spelled out: importing it from i18n.ts, which imports this
 * file, would make a cycle.
 */
export const editReactStrings: { en: Record<EditReactKey, string>; zh: Record<EditReactKey, string> } = {
  en: {
    editAction: "Edit",
    edited: "(edited)",
    editedAt: "Edited {time}",
    editing: "Editing message · Esc to cancel",
    editCancel: "Cancel editing",
    editSave: "Save",
    editExpired: "Too late to edit this message.",
    editExpiredWithin: "Too late to edit: messages can be edited within {minutes} min of sending.",
    editForbidden: "Only the sender can edit this message.",
    editMentionAll: "Only the group's owner and admins can mention everyone.",
    editGone: "This message can no longer be edited.",
    editFailed: "Could not save the edit; try again.",
    reactAction: "React",
    reactChoose: "Choose a reaction",
    reactMore: "More emoji",
    reactions: "Reactions",
    reactedBy: "{emoji} {count}: {names}",
    reactFailed: "Could not change the reaction; try again.",
  },
  zh: {
    editAction: "编辑",
    edited: "（已编辑）",
    editedAt: "编辑于 {time}",
    editing: "正在编辑消息 · 按 Esc 取消",
    editCancel: "取消编辑",
    editSave: "保存",
    editExpired: "已超过可编辑的时间。",
    editExpiredWithin: "已超过可编辑的时间：消息发送后 {minutes} 分钟内可以编辑。",
    editForbidden: "只有发送者可以编辑这条消息。",
    editMentionAll: "只有群主和管理员可以 @所有人。",
    editGone: "这条消息已无法编辑。",
    editFailed: "保存修改失败，请重试。",
    reactAction: "回应",
    reactChoose: "选择回应",
    reactMore: "更多表情",
    reactions: "回应",
    reactedBy: "{emoji} {count}：{names}",
    reactFailed: "回应失败，请重试。",
  },
};
