import type { StringSection } from "../../i18n.js";

type ContactsKey =
  | "contactsTab"
  | "contactsFind"
  | "contactsFindHint"
  | "contactsOrg"
  | "contactsNoDepartments"
  | "contactsEmptyDepartment"
  | "contactsMore"
  | "contactsLoading"
  | "contactsNoMatches"
  | "contactsPeople"
  | "contactsDepartments"
  | "contactsBack"
  | "contactsTitle"
  | "contactsDepartment"
  | "contactsEmail"
  | "contactsPhone"
  | "contactsNotSet"
  | "contactsMessage"
  | "contactsNewGroup"
  | "contactsGroupName"
  | "contactsAddPeople"
  | "contactsChosen"
  | "contactsNobodyChosen"
  | "contactsPick"
  | "contactsUnpick"
  | "contactsCreate"
  | "contactsCreating"
  | "contactsGroups"
  | "contactsNoGroups"
  | "contactsManage"
  | "contactsOpenChat"
  | "contactsMembers"
  | "contactsAddToGroup"
  | "contactsRemoveMember"
  | "contactsOwner"
  | "contactsAdmin"
  | "contactsMe"
  | "contactsFailed";

/** The contacts panel's strings: the organisation tree, cards, and groups. */
export const contactsStrings: StringSection<ContactsKey> = {
  en: {
    contactsTab: "Contacts",
    contactsFind: "Find people",
    contactsFindHint: "Name, pinyin, email or department",
    contactsOrg: "Organisation",
    contactsNoDepartments: "No departments yet. Find people by name above.",
    contactsEmptyDepartment: "Nobody here yet.",
    contactsMore: "More",
    contactsLoading: "Loading…",
    contactsNoMatches: "Nobody matches.",
    contactsPeople: "People",
    contactsDepartments: "Departments",
    contactsBack: "Back",
    contactsTitle: "Title",
    contactsDepartment: "Department",
    contactsEmail: "Email",
    contactsPhone: "Phone",
    contactsNotSet: "Not set",
    contactsMessage: "Message",
    contactsNewGroup: "New group",
    contactsGroupName: "Group name",
    contactsAddPeople: "Add people",
    contactsChosen: "Chosen",
    contactsNobodyChosen: "Nobody chosen yet.",
    contactsPick: "Add",
    contactsUnpick: "Take off",
    contactsCreate: "Create group",
    contactsCreating: "Creating…",
    contactsGroups: "My groups",
    contactsNoGroups: "No groups yet.",
    contactsManage: "Manage",
    contactsOpenChat: "Open chat",
    contactsMembers: "Members",
    contactsAddToGroup: "Add to group",
    contactsRemoveMember: "Remove",
    contactsOwner: "Owner",
    contactsAdmin: "Admin",
    contactsMe: "(you)",
    contactsFailed: "That did not work: ",
  },
  zh: {
    contactsTab: "通讯录",
    contactsFind: "查找同事",
    contactsFindHint: "姓名、拼音、邮箱或部门",
    contactsOrg: "组织架构",
    contactsNoDepartments: "还没有部门。可以在上方按姓名查找同事。",
    contactsEmptyDepartment: "此部门暂无成员。",
    contactsMore: "更多",
    contactsLoading: "正在加载…",
    contactsNoMatches: "没有找到匹配的人。",
    contactsPeople: "人员",
    contactsDepartments: "部门",
    contactsBack: "返回",
    contactsTitle: "职位",
    contactsDepartment: "部门",
    contactsEmail: "邮箱",
    contactsPhone: "电话",
    contactsNotSet: "未填写",
    contactsMessage: "发消息",
    contactsNewGroup: "发起群聊",
    contactsGroupName: "群名称",
    contactsAddPeople: "添加成员",
    contactsChosen: "已选",
    contactsNobodyChosen: "尚未选择成员。",
    contactsPick: "添加",
    contactsUnpick: "取消选择",
    contactsCreate: "创建群聊",
    contactsCreating: "正在创建…",
    contactsGroups: "我的群聊",
    contactsNoGroups: "还没有群聊。",
    contactsManage: "管理",
    contactsOpenChat: "进入聊天",
    contactsMembers: "成员",
    contactsAddToGroup: "加入群聊",
    contactsRemoveMember: "移出",
    contactsOwner: "群主",
    contactsAdmin: "管理员",
    contactsMe: "（我）",
    contactsFailed: "操作失败：",
  },
};
