type GroupsKey =
  | "grYou"
  | "grAnd"
  | "grListSep"
  | "grCreated"
  | "grAdded"
  | "grRemoved"
  | "grLeft"
  | "grLeftNewOwner"
  | "grRenamed"
  | "grMadeAdmin"
  | "grUnmadeAdmin"
  | "grTransferred"
  | "grDisbanded"
  | "grAnnounced"
  | "grAnnouncementCleared"
  | "grAvatarChanged"
  | "grJoinedByLink"
  | "grInfo"
  | "grInfoOf"
  | "grName"
  | "grRename"
  | "grSave"
  | "grPicture"
  | "grChangePicture"
  | "grAnnouncement"
  | "grNoAnnouncement"
  | "grEditAnnouncement"
  | "grPublish"
  | "grAnnouncementBy"
  | "grDismiss"
  | "grMembers"
  | "grOwner"
  | "grAdmin"
  | "grMe"
  | "grMakeAdmin"
  | "grUnmakeAdmin"
  | "grMakeOwner"
  | "grConfirmOwner"
  | "grRemove"
  | "grAddMembers"
  | "grLeave"
  | "grConfirmLeave"
  | "grOwnerLeaves"
  | "grDisband"
  | "grConfirmDisband"
  | "grConfirm"
  | "grCancel"
  | "grClose"
  | "grInvite"
  | "grCreateInvite"
  | "grInviteHint"
  | "grCopy"
  | "grCopied"
  | "grRevoke"
  | "grRevoked"
  | "grValidUntil"
  | "grQr"
  | "grJoinTitle"
  | "grMemberCount"
  | "grJoin"
  | "grAlreadyIn"
  | "grOpenChat"
  | "grBackToChats"
  | "grLoading"
  | "grErrForbidden"
  | "grErrInviteInvalid"
  | "grErrInviteExpired"
  | "grErrCrossDomain"
  | "grErrFull"
  | "grErrClosed"
  | "grErrNotMember"
  | "grErrInvalid"
  | "grErrFailed";

/**
 * Groups: the system lines of group events in a chat, the group info panel,
 * the announcement banner, invite links and joining by one. `{by}`, `{users}`,
 * `{user}`, `{name}`, `{owner}`, `{date}` and `{count}` are filled in.
 */
// Shaped as i18n.ts's StringSection, stated here rather than imported so that i18n.ts, which
// imports this section, and this file do not form a cycle.
export const groupStrings: { en: Record<GroupsKey, string>; zh: Record<GroupsKey, string> } = {
  en: {
    grYou: "You",
    grAnd: " and ",
    grListSep: ", ",
    grCreated: "{by} created the group “{name}”",
    grAdded: "{by} added {users}",
    grRemoved: "{by} removed {users}",
    grLeft: "{user} left the group",
    grLeftNewOwner: "{user} left the group; {owner} is now the owner",
    grRenamed: "{by} renamed the group to “{name}”",
    grMadeAdmin: "{by} made {user} an admin",
    grUnmadeAdmin: "{by} removed {user} as admin",
    grTransferred: "{by} transferred ownership to {user}",
    grDisbanded: "{by} disbanded the group",
    grAnnounced: "{by} updated the announcement",
    grAnnouncementCleared: "{by} removed the announcement",
    grAvatarChanged: "{by} changed the group picture",
    grJoinedByLink: "{user} joined with an invite link from {by}",
    grInfo: "Group info",
    grInfoOf: "Group info: {name}",
    grName: "Group name",
    grRename: "Rename",
    grSave: "Save",
    grPicture: "Group picture",
    grChangePicture: "Change the group picture",
    grAnnouncement: "Announcement",
    grNoAnnouncement: "No announcement.",
    grEditAnnouncement: "Edit the announcement",
    grPublish: "Publish",
    grAnnouncementBy: "Set by {by}, {date}",
    grDismiss: "Dismiss the announcement",
    grMembers: "Members",
    grOwner: "Owner",
    grAdmin: "Admin",
    grMe: "(you)",
    grMakeAdmin: "Make admin",
    grUnmakeAdmin: "Remove admin",
    grMakeOwner: "Make owner",
    grConfirmOwner: "Make {user} the owner? You become an admin.",
    grRemove: "Remove",
    grAddMembers: "Add members",
    grLeave: "Leave the group",
    grConfirmLeave: "Leave this group? You will no longer get its messages.",
    grOwnerLeaves: "You are the owner: leaving hands the group to an admin, or else to its longest member.",
    grDisband: "Disband the group",
    grConfirmDisband: "Disband this group for everyone? Nobody can post in it afterwards.",
    grConfirm: "Confirm",
    grCancel: "Cancel",
    grClose: "Close",
    grInvite: "Invite link",
    grCreateInvite: "Create an invite link",
    grInviteHint: "Colleagues of your organisation who open it can join. It works for 7 days.",
    grCopy: "Copy the link",
    grCopied: "Copied.",
    grRevoke: "Revoke all links",
    grRevoked: "Every invite link of this group is revoked.",
    grValidUntil: "Valid until {date}",
    grQr: "QR code of the invite link",
    grJoinTitle: "You are invited to join a group",
    grMemberCount: "{count} members",
    grJoin: "Join the group",
    grAlreadyIn: "You are in this group already.",
    grOpenChat: "Open the chat",
    grBackToChats: "Back to chats",
    grLoading: "Loading…",
    grErrForbidden: "You may not do that in this group.",
    grErrInviteInvalid: "This invite link does not work (it may have been revoked).",
    grErrInviteExpired: "This invite link has expired.",
    grErrCrossDomain: "This invite link is for another organisation.",
    grErrFull: "The group is full.",
    grErrClosed: "The group was disbanded.",
    grErrNotMember: "You are not in this group.",
    grErrInvalid: "That was refused: ",
    grErrFailed: "That did not work; try again.",
  },
  zh: {
    grYou: "你",
    grAnd: "、",
    grListSep: "、",
    grCreated: "{by} 创建了群聊“{name}”",
    grAdded: "{by} 邀请 {users} 加入了群聊",
    grRemoved: "{by} 将 {users} 移出了群聊",
    grLeft: "{user} 退出了群聊",
    grLeftNewOwner: "{user} 退出了群聊，{owner} 成为新群主",
    grRenamed: "{by} 将群名称修改为“{name}”",
    grMadeAdmin: "{by} 将 {user} 设为管理员",
    grUnmadeAdmin: "{by} 取消了 {user} 的管理员身份",
    grTransferred: "{by} 将群主转让给 {user}",
    grDisbanded: "{by} 解散了群聊",
    grAnnounced: "{by} 更新了群公告",
    grAnnouncementCleared: "{by} 清除了群公告",
    grAvatarChanged: "{by} 修改了群头像",
    grJoinedByLink: "{user} 通过 {by} 分享的邀请链接加入了群聊",
    grInfo: "群信息",
    grInfoOf: "群信息：{name}",
    grName: "群名称",
    grRename: "修改群名称",
    grSave: "保存",
    grPicture: "群头像",
    grChangePicture: "更换群头像",
    grAnnouncement: "群公告",
    grNoAnnouncement: "暂无群公告。",
    grEditAnnouncement: "编辑群公告",
    grPublish: "发布",
    grAnnouncementBy: "{by} 发布于 {date}",
    grDismiss: "关闭群公告",
    grMembers: "群成员",
    grOwner: "群主",
    grAdmin: "管理员",
    grMe: "（我）",
    grMakeAdmin: "设为管理员",
    grUnmakeAdmin: "取消管理员",
    grMakeOwner: "转让群主",
    grConfirmOwner: "确定将群主转让给 {user}？你将成为管理员。",
    grRemove: "移出",
    grAddMembers: "添加成员",
    grLeave: "退出群聊",
    grConfirmLeave: "确定退出该群聊？退出后将不再收到群消息。",
    grOwnerLeaves: "你是群主：退出后群主将转给管理员，没有管理员时转给最早入群的成员。",
    grDisband: "解散群聊",
    grConfirmDisband: "确定为所有人解散该群聊？解散后任何人都不能再发言。",
    grConfirm: "确定",
    grCancel: "取消",
    grClose: "关闭",
    grInvite: "邀请链接",
    grCreateInvite: "生成邀请链接",
    grInviteHint: "本组织的同事打开链接即可加入，7 天内有效。",
    grCopy: "复制链接",
    grCopied: "已复制。",
    grRevoke: "撤销所有链接",
    grRevoked: "该群的所有邀请链接已撤销。",
    grValidUntil: "有效期至 {date}",
    grQr: "邀请链接二维码",
    grJoinTitle: "邀请你加入群聊",
    grMemberCount: "{count} 位成员",
    grJoin: "加入群聊",
    grAlreadyIn: "你已在该群聊中。",
    grOpenChat: "进入群聊",
    grBackToChats: "返回会话列表",
    grLoading: "加载中…",
    grErrForbidden: "你没有权限在该群中执行此操作。",
    grErrInviteInvalid: "邀请链接无效（可能已被撤销）。",
    grErrInviteExpired: "邀请链接已过期。",
    grErrCrossDomain: "该邀请链接属于其他组织，无法加入。",
    grErrFull: "群成员已满。",
    grErrClosed: "该群聊已解散。",
    grErrNotMember: "你不在该群聊中。",
    grErrInvalid: "请求被拒绝：",
    grErrFailed: "操作失败，请重试。",
  },
};
