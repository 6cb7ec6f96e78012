import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from "kysely";
import { nameKeys } from "../../core/directory/pinyin.js";
import { searchDocument } from "../../core/search/document.js";
import { insertSearchEntries } from "./search-rows.js";

export type Dialect = "sqlite" | "postgres";

/**
 * Schema migrations, in order. Written with Kysely's schema builder so they
 * run on SQLite and PostgreSQL alike; the only dialect difference is the
 * binary column type.
 */
function migrations(dialect: Dialect): Record<string, Migration> {
  const blob = dialect === "postgres" ? "bytea" : "blob";
  return {
    "0001_initial": {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable("domains")
          .addColumn("name", "text", (c) => c.primaryKey())
          .addColumn("disabled", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("created_at", "bigint", (c) => c.notNull())
          .execute();
        await db.schema
          .createTable("users")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("domain", "text", (c) => c.notNull().references("domains.name"))
          .addColumn("display_name", "text", (c) => c.notNull())
          .addColumn("password_hash", "text", (c) => c.notNull())
          .addColumn("role", "text", (c) => c.notNull())
          .addColumn("disabled", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("created_at", "bigint", (c) => c.notNull())
          .execute();
        await db.schema.createIndex("users_domain").on("users").columns(["domain", "id"]).execute();
        await db.schema
          .createTable("sessions")
          .addColumn("token_hash", "text", (c) => c.primaryKey())
          .addColumn("user_id", "text", (c) => c.notNull().references("users.id"))
          .addColumn("device_id", "text", (c) => c.notNull())
          .addColumn("platform", "text", (c) => c.notNull())
          .addColumn("created_at", "bigint", (c) => c.notNull())
          .addColumn("expires_at", "bigint", (c) => c.notNull())
          .execute();
        await db.schema.createIndex("sessions_user").on("sessions").column("user_id").execute();
        await db.schema
          .createTable("counters")
          .addColumn("name", "text", (c) => c.primaryKey())
          .addColumn("value", "bigint", (c) => c.notNull())
          .execute();
        await sql`insert into counters (name, value) values ('version', 0)`.execute(db);
        await db.schema
          .createTable("conversations")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("kind", "text", (c) => c.notNull())
          .addColumn("domain", "text", (c) => c.notNull())
          .addColumn("name", "text", (c) => c.notNull())
          .addColumn("last_seq", "bigint", (c) => c.notNull())
          .addColumn("member_count", "integer", (c) => c.notNull())
          .addColumn("member_version", "bigint", (c) => c.notNull())
          .addColumn("disbanded", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("created_at", "bigint", (c) => c.notNull())
          .addColumn("version", "bigint", (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex("conversations_domain_kind")
          .on("conversations")
          .columns(["domain", "kind", "id"])
          .execute();
        await db.schema
          .createTable("members")
          .addColumn("conversation_id", "text", (c) => c.notNull().references("conversations.id"))
          .addColumn("user_id", "text", (c) => c.notNull())
          .addColumn("role", "text", (c) => c.notNull())
          .addColumn("active", "integer", (c) => c.notNull())
          .addColumn("read_seq", "bigint", (c) => c.notNull())
          .addColumn("delivered_seq", "bigint", (c) => c.notNull())
          .addColumn("joined_at", "bigint", (c) => c.notNull())
          .addColumn("version", "bigint", (c) => c.notNull())
          .addPrimaryKeyConstraint("members_pk", ["conversation_id", "user_id"])
          .execute();
        await db.schema
          .createIndex("members_user")
          .on("members")
          .columns(["user_id", "conversation_id"])
          .execute();
        await db.schema
          .createTable("messages")
          .addColumn("conversation_id", "text", (c) => c.notNull())
          .addColumn("seq", "bigint", (c) => c.notNull())
          .addColumn("sender_id", "text", (c) => c.notNull())
          .addColumn("client_msg_id", "text", (c) => c.notNull())
          .addColumn("server_time", "bigint", (c) => c.notNull())
          .addColumn("content", blob)
          .addColumn("event", blob)
          .addColumn("recalled_by", "text")
          .addColumn("recalled_at", "bigint")
          .addPrimaryKeyConstraint("messages_pk", ["conversation_id", "seq"])
          .execute();
        await db.schema
          .createIndex("messages_client_id")
          .on("messages")
          .columns(["conversation_id", "sender_id", "client_msg_id"])
          .unique()
          .execute();
      },
    },
    "0002_directory": {
      async up(db: Kysely<unknown>) {
        // Search runs on an in-memory index (core/directory/search-index.ts), so no search-key indexes here.
        for (const name of [
          "pinyin",
          "pinyin_initials",
          "email",
          "title",
          "phone",
          "avatar",
          "department_id",
        ]) {
          await db.schema
            .alterTable("users")
            .addColumn(name, "text", (c) => c.notNull().defaultTo(""))
            .execute();
        }
        await db.schema
          .alterTable("users")
          .addColumn("status", "text", (c) => c.notNull().defaultTo("active"))
          .execute();
        await db.schema
          .alterTable("users")
          .addColumn("must_change_password", "integer", (c) => c.notNull().defaultTo(0))
          .execute();
        await db.schema
          .alterTable("users")
          .addColumn("version", "bigint", (c) => c.notNull().defaultTo(0))
          .execute();
        for (const col of ["version", "department_id"]) {
          await db.schema.createIndex(`users_${col}`).on("users").columns(["domain", col]).execute();
        }
        await db.schema
          .createTable("departments")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("domain", "text", (c) => c.notNull().references("domains.name"))
          .addColumn("parent_id", "text", (c) => c.notNull())
          .addColumn("name", "text", (c) => c.notNull())
          .addColumn("sort_order", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("deleted", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("version", "bigint", (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex("departments_parent")
          .on("departments")
          .columns(["domain", "parent_id", "name"])
          .execute();
        await db.schema
          .createIndex("departments_version")
          .on("departments")
          .columns(["domain", "version"])
          .execute();
        // Departments a user belongs to besides the primary one (users.department_id).
        await db.schema
          .createTable("user_departments")
          .addColumn("user_id", "text", (c) => c.notNull().references("users.id"))
          .addColumn("department_id", "text", (c) => c.notNull().references("departments.id"))
          .addPrimaryKeyConstraint("user_departments_pk", ["user_id", "department_id"])
          .execute();
        await db.schema
          .createIndex("user_departments_department")
          .on("user_departments")
          .columns(["department_id", "user_id"])
          .execute();
        await db.schema
          .createTable("audit_log")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("at", "bigint", (c) => c.notNull())
          .addColumn("domain", "text", (c) => c.notNull())
          .addColumn("actor", "text", (c) => c.notNull())
          .addColumn("action", "text", (c) => c.notNull())
          .addColumn("target", "text", (c) => c.notNull())
          .addColumn("source", "text", (c) => c.notNull())
          .addColumn("details", "text", (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex("audit_log_domain_at")
          .on("audit_log")
          .columns(["domain", "at", "id"])
          .execute();
        await directoryForExistingUsers(db);
      },
    },
    "0003_files": {
      async up(db: Kysely<unknown>) {
        // One row per upload; rows with the same content share one blob, named by its SHA-256.
        await db.schema
          .createTable("files")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("domain", "text", (c) => c.notNull().references("domains.name"))
          .addColumn("uploader", "text", (c) => c.notNull().references("users.id"))
          .addColumn("sha256", "text", (c) => c.notNull())
          .addColumn("size", "bigint", (c) => c.notNull())
          .addColumn("mime", "text", (c) => c.notNull())
          .addColumn("name", "text", (c) => c.notNull())
          .addColumn("created_at", "bigint", (c) => c.notNull())
          .execute();
        await db.schema.createIndex("files_sha256").on("files").columns(["domain", "sha256"]).execute();
        await db.schema
          .createIndex("files_uploader")
          .on("files")
          .columns(["uploader", "created_at"])
          .execute();
      },
    },
    "0004_media_search": {
      async up(db: Kysely<unknown>) {
        await mediaAndShares(db, dialect);
        await searchIndex(db, dialect);
      },
    },
    "0005_xmpp": {
      async up(db: Kysely<unknown>) {
        // SCRAM keys (RFC 5802) per user and mechanism, base64; written when a password is set or checked.
        await db.schema
          .createTable("scram_credentials")
          .addColumn("user_id", "text", (c) => c.notNull().references("users.id"))
          .addColumn("mechanism", "text", (c) => c.notNull())
          .addColumn("salt", "text", (c) => c.notNull())
          .addColumn("iterations", "integer", (c) => c.notNull())
          .addColumn("stored_key", "text", (c) => c.notNull())
          .addColumn("server_key", "text", (c) => c.notNull())
          .addPrimaryKeyConstraint("scram_credentials_pk", ["user_id", "mechanism"])
          .execute();
      },
    },
    "0006_content_digest": {
      async up(db: Kysely<unknown>) {
        // What the sender sent under a client_msg_id, so a resend with other content is told
        // apart from a retry. Kept when a recall deletes the content; null for older rows.
        await db.schema.alterTable("messages").addColumn("content_digest", "text").execute();
      },
    },
    "0007_edits_reactions": {
      async up(db: Kysely<unknown>) {
        // edited_at: when the sender last edited the content. reactions: the aggregate, as JSON
        // ([{emoji, userIds}]), read with the row so history needs no second query. edit_of: on a
        // message_edited event row, the seq it edited, so a recall finds each copy of the text.
        await db.schema.alterTable("messages").addColumn("edited_at", "bigint").execute();
        await db.schema.alterTable("messages").addColumn("reactions", "text").execute();
        await db.schema.alterTable("messages").addColumn("edit_of", "bigint").execute();
      },
    },
    "0008_pins_favourites": {
      async up(db: Kysely<unknown>) {
        // Messages pinned in a conversation for every member; a recall deletes its row.
        await db.schema
          .createTable("pinned_messages")
          .addColumn("conversation_id", "text", (c) => c.notNull().references("conversations.id"))
          .addColumn("seq", "bigint", (c) => c.notNull())
          .addColumn("pinned_by", "text", (c) => c.notNull())
          .addColumn("pinned_at", "bigint", (c) => c.notNull())
          .addPrimaryKeyConstraint("pinned_messages_pk", ["conversation_id", "seq"])
          .execute();
        // Messages a user hid from their own view ("delete for me").
        await db.schema
          .createTable("hidden_messages")
          .addColumn("user_id", "text", (c) => c.notNull().references("users.id"))
          .addColumn("conversation_id", "text", (c) => c.notNull().references("conversations.id"))
          .addColumn("seq", "bigint", (c) => c.notNull())
          .addPrimaryKeyConstraint("hidden_messages_pk", ["user_id", "conversation_id", "seq"])
          .execute();
        // Saved messages; ids sort by the time they were saved, so a page is an index range.
        await db.schema
          .createTable("favourites")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("user_id", "text", (c) => c.notNull().references("users.id"))
          .addColumn("conversation_id", "text", (c) => c.notNull().references("conversations.id"))
          .addColumn("seq", "bigint", (c) => c.notNull())
          .addColumn("saved_at", "bigint", (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex("favourites_user_message")
          .unique()
          .on("favourites")
          .columns(["user_id", "conversation_id", "seq"])
          .execute();
        await db.schema
          .createIndex("favourites_user_id")
          .on("favourites")
          .columns(["user_id", "id"])
          .execute();
      },
    },
    "0009_group_profile": {
      async up(db: Kysely<unknown>) {
        // A group's announcement (text, who set it, when) and picture, carried by its Conversation.
        for (const col of ["announcement", "announcement_by", "avatar"])
          await db.schema
            .alterTable("conversations")
            .addColumn(col, "text", (c) => c.notNull().defaultTo(""))
            .execute();
        await db.schema
          .alterTable("conversations")
          .addColumn("announcement_at", "bigint", (c) => c.notNull().defaultTo(0))
          .execute();
        // Invite links: only a hash of the token is kept, so the table gives no way in.
        await db.schema
          .createTable("group_invites")
          .addColumn("token_hash", "text", (c) => c.primaryKey())
          .addColumn("conversation_id", "text", (c) => c.notNull().references("conversations.id"))
          .addColumn("created_by", "text", (c) => c.notNull())
          .addColumn("created_at", "bigint", (c) => c.notNull())
          .addColumn("expires_at", "bigint", (c) => c.notNull())
          .addColumn("revoked_at", "bigint", (c) => c.notNull().defaultTo(0))
          .execute();
        await db.schema
          .createIndex("group_invites_conversation")
          .on("group_invites")
          .column("conversation_id")
          .execute();
      },
    },
    "0010_profile_settings": {
      async up(db: Kysely<unknown>) {
        await profileAndSettings(db);
      },
    },
    "0011_mentions": {
      async up(db: Kysely<unknown>) {
        // Who each message mentions, so that a chat can say "[@me]" and a user can list the
        // messages mentioning them across chats, newest first, without reading every message.
        // Messages stored before this migration are not indexed.
        await db.schema
          .createTable("mentions")
          .addColumn("user_id", "text", (c) => c.notNull())
          .addColumn("conversation_id", "text", (c) => c.notNull())
          .addColumn("seq", "bigint", (c) => c.notNull())
          .addColumn("sender_id", "text", (c) => c.notNull())
          .addColumn("server_time", "bigint", (c) => c.notNull())
          .addPrimaryKeyConstraint("mentions_pk", ["conversation_id", "seq", "user_id"])
          .execute();
        await db.schema
          .createIndex("mentions_user_time")
          .on("mentions")
          .columns(["user_id", "server_time", "conversation_id", "seq"])
          .execute();
      },
    },
    "0012_push_devices": {
      async up(db: Kysely<unknown>) {
        // The devices that get push notifications. A provider's token names one app install,
        // so it is registered once whoever holds it: (provider, token) is unique, and a token
        // registered again moves to its new user.
        await db.schema
          .createTable("push_devices")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("user_id", "text", (c) => c.notNull())
          .addColumn("provider", "text", (c) => c.notNull())
          .addColumn("platform", "text", (c) => c.notNull())
          .addColumn("app_id", "text", (c) => c.notNull())
          .addColumn("token", "text", (c) => c.notNull())
          .addColumn("locale", "text", (c) => c.notNull())
          .addColumn("created_at", "bigint", (c) => c.notNull())
          .addColumn("last_used_at", "bigint", (c) => c.notNull())
          .addUniqueConstraint("push_devices_provider_token", ["provider", "token"])
          .execute();
        await db.schema.createIndex("push_devices_user").on("push_devices").column("user_id").execute();
      },
    },
    "0013_activation_codes": {
      async up(db: Kysely<unknown>) {
        // One code per user: a new one replaces the previous. Only the code's hash is kept,
        // so the table gives no way in; a used code stays (used_at) so a second try can be told apart.
        await db.schema
          .createTable("activation_codes")
          .addColumn("user_id", "text", (c) => c.primaryKey())
          .addColumn("code_hash", "text", (c) => c.notNull())
          .addColumn("created_by", "text", (c) => c.notNull())
          .addColumn("created_at", "bigint", (c) => c.notNull())
          .addColumn("expires_at", "bigint", (c) => c.notNull())
          .addColumn("used_at", "bigint", (c) => c.notNull().defaultTo(0))
          .execute();
      },
    },
    "0014_announcement_seen": {
      async up(db: Kysely<unknown>) {
        // Which announcement each member dismissed (by when it was set), on all their devices.
        await db.schema
          .alterTable("members")
          .addColumn("announcement_seen_at", "bigint", (c) => c.notNull().defaultTo(0))
          .execute();
      },
    },
    "0015_federation": {
      async up(db: Kysely<unknown>) {
        await federationTables(db, blob);
      },
    },
    "0018_bots": {
      async up(db: Kysely<unknown>) {
        await botTables(db);
      },
    },
    "0019_domain_push_previews": {
      async up(db: Kysely<unknown>) {
        // Whether a domain's push notifications carry the message text: "" the server's
        // push.previews, "none" or "text".
        await db.schema
          .alterTable("domains")
          .addColumn("push_previews", "text", (c) => c.notNull().defaultTo(""))
          .execute();
      },
    },
  };
}

/**
 * Bot accounts (docs/bots.md): a flag on the user; their tokens by sha256 with the scopes they
 * grant; incoming webhooks by id, the secret of their URL by sha256, listed per conversation.
 */
async function botTables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("users")
    .addColumn("bot", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable("bot_tokens")
    .addColumn("token_hash", "text", (c) => c.primaryKey())
    .addColumn("id", "text", (c) => c.notNull().unique())
    .addColumn("bot_id", "text", (c) => c.notNull())
    .addColumn("label", "text", (c) => c.notNull())
    .addColumn("scopes", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("created_by", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("bot_tokens_bot").on("bot_tokens").column("bot_id").execute();
  await db.schema
    .createTable("webhooks")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("secret_hash", "text", (c) => c.notNull())
    .addColumn("conversation_id", "text", (c) => c.notNull())
    .addColumn("bot_id", "text", (c) => c.notNull())
    .addColumn("label", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("created_by", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("webhooks_conversation").on("webhooks").column("conversation_id").execute();
}

/**
 * Links to other Starling domains (docs/federation.md): the link itself with its trust (a pin or a
 * CA file) and allow-list; per peer the frames still to send, numbered without gaps by the link's
 * `out_seq` counter (taken in the enqueuer's transaction, so a rolled-back change leaves no hole);
 * per peer the highest seq applied of what it sent; and the "ping" frames received, in order.
 */
async function federationTables(db: Kysely<unknown>, blob: "bytea" | "blob"): Promise<void> {
  await db.schema
    .createTable("federation_links")
    .addColumn("peer_domain", "text", (c) => c.primaryKey())
    .addColumn("local_domain", "text", (c) => c.notNull())
    .addColumn("endpoint", "text", (c) => c.notNull())
    .addColumn("pin", "text", (c) => c.notNull())
    .addColumn("ca_path", "text", (c) => c.notNull())
    .addColumn("allow", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("out_seq", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("federation_outbox")
    .addColumn("peer_domain", "text", (c) => c.notNull())
    .addColumn("seq", "bigint", (c) => c.notNull())
    .addColumn("id", "text", (c) => c.notNull().unique())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("payload", blob, (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("federation_outbox_pk", ["peer_domain", "seq"])
    .execute();
  await db.schema
    .createTable("federation_inbox_marks")
    .addColumn("peer_domain", "text", (c) => c.primaryKey())
    .addColumn("applied_seq", "bigint", (c) => c.notNull())
    .execute();
  // No key on purpose: a frame applied twice would show as two rows.
  await db.schema
    .createTable("federation_pings")
    .addColumn("peer_domain", "text", (c) => c.notNull())
    .addColumn("seq", "bigint", (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("received_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("federation_pings_peer")
    .on("federation_pings")
    .columns(["peer_domain", "seq"])
    .execute();
}

/**
 * A status text and do-not-disturb on the directory card; what a login session shows its owner
 * (the client, when it was last used); the settings that follow a user to every device.
 */
async function profileAndSettings(db: Kysely<unknown>): Promise<void> {
  const column = async (table: string, name: string, type: "text" | "integer" | "bigint") => {
    const empty = type === "text" ? "" : 0;
    await db.schema
      .alterTable(table)
      .addColumn(name, type, (c) => c.notNull().defaultTo(empty))
      .execute();
  };
  await column("users", "status_text", "text");
  await column("users", "dnd_on", "integer");
  await column("users", "dnd_until", "bigint");
  await column("users", "dnd_daily", "integer");
  await column("users", "dnd_from", "integer");
  await column("users", "dnd_to", "integer");
  await column("users", "dnd_zone", "text");
  await column("sessions", "client", "text");
  await column("sessions", "last_active_at", "bigint");
  // Sessions from before count as last active when they were made.
  await sql`update sessions set last_active_at = created_at`.execute(db);
  await db.schema
    .createTable("user_settings")
    .addColumn("user_id", "text", (c) => c.primaryKey().references("users.id"))
    .addColumn("desktop_notifications", "integer", (c) => c.notNull())
    .addColumn("notification_sound", "integer", (c) => c.notNull())
    .addColumn("message_previews", "integer", (c) => c.notNull())
    .addColumn("version", "bigint", (c) => c.notNull())
    .execute();
}

/**
 * What files know about themselves (image size, duration, a thumbnail),
 * where each was shared, the seq at which a member left (so search and
 * downloads know what an ex-member saw) and per-domain file limits.
 */
async function mediaAndShares(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  for (const col of ["width", "height", "duration_ms"])
    await db.schema.alterTable("files").addColumn(col, "integer").execute();
  await db.schema.alterTable("files").addColumn("thumb_sha256", "text").execute();
  await db.schema
    .createTable("file_shares")
    .addColumn("file_id", "text", (c) => c.notNull().references("files.id"))
    .addColumn("conversation_id", "text", (c) => c.notNull())
    .addColumn("seq", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("file_shares_pk", ["file_id", "conversation_id", "seq"])
    .execute();
  await db.schema
    .createIndex("file_shares_conversation")
    .on("file_shares")
    .columns(["conversation_id", "seq"])
    .execute();
  await db.schema
    .alterTable("members")
    .addColumn("left_seq", "bigint", (c) => c.notNull().defaultTo(0))
    .execute();
  // Each member's own settings of the conversation: pinned (when; 0: not) and muted.
  await db.schema
    .alterTable("members")
    .addColumn("pinned_at", "bigint", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable("members")
    .addColumn("muted", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  // 0 means the server-wide setting.
  for (const col of ["max_file_bytes", "quota_bytes"])
    await db.schema
      .alterTable("domains")
      .addColumn(col, "bigint", (c) => c.notNull().defaultTo(0))
      .execute();
  await db.schema
    .alterTable("domains")
    .addColumn("used_bytes", "bigint", (c) => c.notNull().defaultTo(0))
    .execute();
  // Avatars of users and groups: one blob per size.
  await db.schema
    .createTable("avatars")
    .addColumn("owner_id", "text", (c) => c.notNull())
    .addColumn("size", "integer", (c) => c.notNull())
    .addColumn("sha256", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("avatars_pk", ["owner_id", "size"])
    .execute();
  // Server-wide secrets every node of a cluster shares (such as the key that signs file links).
  await db.schema
    .createTable("secrets")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("value", "text", (c) => c.notNull())
    .execute();
  await sql`update domains set used_bytes = coalesce((select sum(size) from files where files.domain = domains.name), 0)`.execute(
    db,
  );
  void dialect;
}

/**
 * The message search index: one row per searchable message, numbered in the
 * order they were indexed (newest first is the result order), with the
 * message's tokens (core/search/tokens.ts) in an FTS5 table on SQLite and a
 * GIN-indexed tsvector on PostgreSQL. Existing messages are indexed here.
 */
async function searchIndex(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  let t = db.schema
    .createTable("message_search")
    .addColumn("id", dialect === "postgres" ? "bigserial" : "integer", (c) =>
      dialect === "postgres" ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn("conversation_id", "text", (c) => c.notNull())
    .addColumn("seq", "bigint", (c) => c.notNull())
    .addColumn("sender_id", "text", (c) => c.notNull())
    .addColumn("server_time", "bigint", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull());
  if (dialect === "postgres") t = t.addColumn("tokens", sql`tsvector`, (c) => c.notNull());
  await t.execute();
  await db.schema
    .createIndex("message_search_message")
    .on("message_search")
    .columns(["conversation_id", "seq"])
    .unique()
    .execute();
  if (dialect === "postgres") {
    await sql`create index message_search_tokens on message_search using gin (tokens)`.execute(db);
  } else {
    // Tokens are space-separated and already normalised: the ascii tokenizer keeps each one whole.
    await sql`create virtual table message_fts using fts5(tokens, content='', contentless_delete=1, tokenize='ascii')`.execute(
      db,
    );
  }
  await indexExistingMessages(db, dialect);
}

async function indexExistingMessages(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  let after = { c: "", s: 0 };
  for (;;) {
    const { rows } = await sql<{
      conversation_id: string;
      seq: number | string;
      sender_id: string;
      server_time: number | string;
      content: Uint8Array;
    }>`select conversation_id, seq, sender_id, server_time, content from messages
      where content is not null and recalled_by is null
        and (conversation_id > ${after.c} or (conversation_id = ${after.c} and seq > ${after.s}))
      order by conversation_id, seq limit 1000`.execute(db);
    if (rows.length === 0) return;
    for (const r of rows) {
      const doc = searchDocument(r.content);
      if (!doc) continue;
      const entry = {
        conversationId: r.conversation_id,
        seq: Number(r.seq),
        senderId: r.sender_id,
        serverTime: Number(r.server_time),
        ...doc,
      };
      await insertSearchEntries(db, dialect, [entry]);
    }
    const last = rows[rows.length - 1] as (typeof rows)[number];
    after = { c: last.conversation_id, s: Number(last.seq) };
  }
}

/**
 * Users from before the directory get their pinyin and a directory version
 * each (one counter per domain), so that clients syncing the directory from
 * version 0 see them.
 */
async function directoryForExistingUsers(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ id: string; domain: string; display_name: string }>`
    select id, domain, display_name from users order by domain, id`.execute(db);
  const versions = new Map<string, number>();
  for (const u of rows) {
    const version = (versions.get(u.domain) ?? 0) + 1;
    versions.set(u.domain, version);
    const keys = nameKeys(u.display_name);
    await sql`update users set pinyin = ${keys.pinyin}, pinyin_initials = ${keys.initials}, version = ${version}
      where id = ${u.id}`.execute(db);
  }
  for (const [domain, value] of versions)
    await sql`insert into counters (name, value) values (${`directory:${domain}`}, ${value})`.execute(db);
}

/** Migrates up to and including `name` (tests of a migration start from the schema before it). */
export async function migrateTo(db: Kysely<unknown>, dialect: Dialect, name: string): Promise<void> {
  const migrator = new Migrator({ db, provider: new InCodeProvider(dialect) });
  const { error } = await migrator.migrateTo(name);
  if (error) throw error;
}

class InCodeProvider implements MigrationProvider {
  constructor(private readonly dialect: Dialect) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations(this.dialect);
  }
}

/** Brings the schema up to date; throws with the failing migration's error. */
export async function migrateToLatest(
  db: Kysely<unknown>,
  dialect: Dialect,
  schema?: string,
): Promise<string[]> {
  // Naming the schema keeps the migration bookkeeping of several deployments
  // (or test runs) in one PostgreSQL database apart.
  const migrator = new Migrator({
    db,
    provider: new InCodeProvider(dialect),
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  for (let attempt = 1; ; attempt++) {
    const { error, results } = await migrator.migrateToLatest();
    if (!error) return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
    // Kysely looks for its bookkeeping table with a catalog query over every
    // schema of the database, which fails when another schema (another
    // deployment's, a test's) is dropped at that moment: only that is retried.
    if (attempt >= 5 || !droppedMeanwhile(error, schema)) throw error;
  }
}

/** A missing schema (SQLSTATE 3F000) that is not ours: dropped by someone else while the catalog was read. */
function droppedMeanwhile(error: unknown, ours: string | undefined): boolean {
  const e = error as { code?: string; message?: string };
  const named = /schema "([^"]+)" does not exist/.exec(e?.message ?? "")?.[1];
  return e?.code === "3F000" && named !== undefined && named !== ours;
}
