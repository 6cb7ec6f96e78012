import type { Generated } from "kysely";

/** Table shapes as Kysely sees them. Booleans are stored as 0/1 integers on every dialect. */

export interface DomainTable {
  name: string;
  disabled: number;
  created_at: number;
  max_file_bytes: Generated<number>;
  quota_bytes: Generated<number>;
  used_bytes: Generated<number>;
  push_previews: Generated<string>;
}

export interface UserTable {
  id: string;
  domain: string;
  display_name: string;
  password_hash: string;
  role: string;
  disabled: number;
  created_at: number;
  pinyin: string;
  pinyin_initials: string;
  title: string;
  email: string;
  phone: string;
  avatar: string;
  department_id: string;
  status: string;
  must_change_password: number;
  status_text: string;
  dnd_on: number;
  dnd_until: number;
  dnd_daily: number;
  dnd_from: number;
  dnd_to: number;
  dnd_zone: string;
  version: number;
  bot: number;
}

export interface DepartmentTable {
  id: string;
  domain: string;
  parent_id: string;
  name: string;
  sort_order: number;
  deleted: number;
  version: number;
}

export interface UserDepartmentTable {
  user_id: string;
  department_id: string;
}

export interface FileTable {
  id: string;
  domain: string;
  uploader: string;
  sha256: string;
  size: number;
  mime: string;
  name: string;
  created_at: number;
  width: number | null;
  height: number | null;
  duration_ms: number | null;
  thumb_sha256: string | null;
}

export interface FileShareTable {
  file_id: string;
  conversation_id: string;
  seq: number;
}

/** One mention of a user (or of everyone: "@all") by a stored message. */
export interface MentionTable {
  user_id: string;
  conversation_id: string;
  seq: number;
  sender_id: string;
  server_time: number;
}

/** A device registered for push notifications; (provider, token) is unique. */
export interface PushDeviceTable {
  id: string;
  user_id: string;
  provider: string;
  platform: string;
  app_id: string;
  token: string;
  locale: string;
  created_at: number;
  last_used_at: number;
}

export interface AvatarTable {
  owner_id: string;
  size: number;
  sha256: string;
}

export interface SecretTable {
  name: string;
  value: string;
}

export interface MessageSearchTable {
  id: Generated<number>;
  conversation_id: string;
  seq: number;
  sender_id: string;
  server_time: number;
  kind: string;
  /** PostgreSQL only: a tsvector (SQLite keeps tokens in message_fts). */
  tokens?: string;
}

export interface MessageFtsTable {
  rowid: number;
  tokens: string;
}

export interface AuditTable {
  id: string;
  at: number;
  domain: string;
  actor: string;
  action: string;
  target: string;
  source: string;
  details: string;
}

export interface SessionTable {
  token_hash: string;
  user_id: string;
  device_id: string;
  platform: string;
  client: string;
  created_at: number;
  last_active_at: number;
  expires_at: number;
}

export interface UserSettingsTable {
  user_id: string;
  desktop_notifications: number;
  notification_sound: number;
  message_previews: number;
  version: number;
}

export interface CounterTable {
  name: string;
  value: number;
}

export interface ConversationTable {
  id: string;
  kind: string;
  domain: string;
  name: string;
  last_seq: number;
  member_count: number;
  member_version: number;
  disbanded: number;
  created_at: number;
  version: number;
  announcement: string;
  announcement_by: string;
  announcement_at: number;
  avatar: string;
}

export interface GroupInviteTable {
  token_hash: string;
  conversation_id: string;
  created_by: string;
  created_at: number;
  expires_at: number;
  revoked_at: number;
}

export interface ActivationCodeTable {
  user_id: string;
  code_hash: string;
  created_by: string;
  created_at: number;
  expires_at: number;
  used_at: number;
}

export interface MemberTable {
  conversation_id: string;
  user_id: string;
  role: string;
  active: number;
  read_seq: number;
  delivered_seq: number;
  joined_at: number;
  version: number;
  left_seq?: number;
  pinned_at?: number;
  muted?: number;
  announcement_seen_at?: number;
}

export interface MessageTable {
  conversation_id: string;
  seq: number;
  sender_id: string;
  client_msg_id: string;
  server_time: number;
  content: Uint8Array | null;
  event: Uint8Array | null;
  recalled_by: string | null;
  recalled_at: number | null;
  content_digest: string | null;
  edited_at: number | null;
  reactions: string | null;
  edit_of: number | null;
}

export interface ScramCredentialTable {
  user_id: string;
  mechanism: string;
  salt: string;
  iterations: number;
  stored_key: string;
  server_key: string;
}

export interface PinnedMessageTable {
  conversation_id: string;
  seq: number;
  pinned_by: string;
  pinned_at: number;
}

export interface HiddenMessageTable {
  user_id: string;
  conversation_id: string;
  seq: number;
}

export interface FavouriteTable {
  id: string;
  user_id: string;
  conversation_id: string;
  seq: number;
  saved_at: number;
}

export interface Database {
  domains: DomainTable;
  users: UserTable;
  sessions: SessionTable;
  user_settings: UserSettingsTable;
  counters: CounterTable;
  conversations: ConversationTable;
  members: MemberTable;
  messages: MessageTable;
  departments: DepartmentTable;
  user_departments: UserDepartmentTable;
  audit_log: AuditTable;
  files: FileTable;
  file_shares: FileShareTable;
  mentions: MentionTable;
  secrets: SecretTable;
  avatars: AvatarTable;
  message_search: MessageSearchTable;
  message_fts: MessageFtsTable;
  scram_credentials: ScramCredentialTable;
  group_invites: GroupInviteTable;
  activation_codes: ActivationCodeTable;
  pinned_messages: PinnedMessageTable;
  hidden_messages: HiddenMessageTable;
  favourites: FavouriteTable;
  federation_links: FederationLinkTable;
  federation_outbox: FederationOutboxTable;
  federation_inbox_marks: FederationInboxMarkTable;
  federation_pings: FederationPingTable;
  push_devices: PushDeviceTable;
  bot_tokens: BotTokenTable;
  webhooks: WebhookTable;
}

/** A bot's token by its sha256; scopes space-separated. */
export interface BotTokenTable {
  token_hash: string;
  id: string;
  bot_id: string;
  label: string;
  scopes: string;
  created_at: number;
  created_by: string;
}

export interface WebhookTable {
  id: string;
  secret_hash: string;
  conversation_id: string;
  bot_id: string;
  label: string;
  created_at: number;
  created_by: string;
}

export interface FederationLinkTable {
  peer_domain: string;
  local_domain: string;
  endpoint: string;
  pin: string;
  ca_path: string;
  /** JSON of the allow-list ({users, departments, groups}). */
  allow: string;
  state: string;
  out_seq: number;
  created_at: number;
  updated_at: number;
}

export interface FederationOutboxTable {
  peer_domain: string;
  seq: number;
  id: string;
  kind: string;
  payload: Uint8Array;
  created_at: number;
}

export interface FederationInboxMarkTable {
  peer_domain: string;
  applied_seq: number;
}

export interface FederationPingTable {
  peer_domain: string;
  seq: number;
  body: string;
  received_at: number;
}
