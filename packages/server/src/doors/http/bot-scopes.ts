import type { BotScope } from "../../core/bots/scopes.js";

/**
 * The HTTP operations a bot token may call, each with the scope it needs (docs/bots.md);
 * every other route refuses bots. Keyed by method and route pattern, as fastify matched it.
 */
export const HTTP_BOT_SCOPES: Readonly<Record<string, BotScope>> = {
  "POST /api/v1/messages": "messages:send",
  "GET /api/v1/conversations": "messages:read",
  "GET /api/v1/conversations/:id": "messages:read",
  "GET /api/v1/conversations/:id/messages": "messages:read",
  "POST /api/v1/conversations/:id/read": "messages:read",
  "GET /api/v1/groups/:id/members": "groups:read",
};
