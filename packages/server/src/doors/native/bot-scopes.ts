import type { Request } from "@starling/protocol";
import type { BotScope } from "../../core/bots/scopes.js";

/**
 * The native requests a bot token may make, each with the scope it needs (docs/bots.md);
 * every other request refuses bots.
 */
export const NATIVE_BOT_SCOPES: Readonly<Partial<Record<NonNullable<Request["body"]["case"]>, BotScope>>> = {
  send: "messages:send",
  editMessage: "messages:send",
  recall: "messages:send",
  react: "messages:send",
  typing: "messages:send",
  sync: "messages:read",
  getHistory: "messages:read",
  getConversation: "messages:read",
  markRead: "messages:read",
  markDelivered: "messages:read",
  getMembers: "groups:read",
  getUserCards: "groups:read",
};
