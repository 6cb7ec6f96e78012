import type { RouteOptions } from "fastify";
import { ErrorBody } from "./schemas.js";

/**
 * What every operation of the OpenAPI document carries, filled in where a route does not say
 * it itself: an operationId, a summary, its security (`[]` for public routes) and the error
 * responses it can give, all with the one error body. Only the document changes: validation
 * and serialization of the routes stay as they declared them.
 */

type Schema = Record<string, unknown>;

/** One line per operation, by method and route, for routes whose schema gives none. */
const SUMMARIES: Record<string, string> = {
  "GET /readyz": "Whether this node should get clients",
  "POST /api/v1/auth/login": "Log in with a user id and password",
  "POST /api/v1/activate": "Choose one's first password with an activation code, and log in",
  "POST /api/v1/auth/refresh": "Extend the session token",
  "POST /api/v1/auth/logout": "Log out this session",
  "POST /api/v1/me/password": "Change one's own password",
  "GET /api/v1/me": "One's own card",
  "PATCH /api/v1/me": "Change one's own profile",
  "GET /api/v1/me/sessions": "One's own login sessions",
  "DELETE /api/v1/me/sessions/:id": "End one of one's own sessions",
  "DELETE /api/v1/me/sessions": "End every other session of one's own",
  "GET /api/v1/me/settings": "One's own roaming settings",
  "PATCH /api/v1/me/settings": "Change one's own roaming settings",
  "GET /api/v1/directory/changes": "Directory changes since a version",
  "GET /api/v1/directory/departments": "Top-level departments",
  "GET /api/v1/directory/departments/:id": "A department, its children and members",
  "GET /api/v1/directory/users/:id": "A user's card",
  "GET /api/v1/directory/search": "Search the directory",
  "GET /api/v1/conversations": "Conversations changed since a cursor",
  "GET /api/v1/conversations/:id": "One conversation",
  "GET /api/v1/conversations/:id/messages": "A page of a conversation's messages",
  "POST /api/v1/conversations/:id/read": "Mark messages read",
  "POST /api/v1/messages": "Send a message",
  "PUT /api/v1/conversations/:id/prefs": "Pin or mute a conversation",
  "POST /api/v1/conversations/:id/recall": "Recall a message",
  "PATCH /api/v1/conversations/:id/messages/:seq": "Edit one's own message",
  "PUT /api/v1/conversations/:id/messages/:seq/reactions/:emoji": "React to a message",
  "DELETE /api/v1/conversations/:id/messages/:seq/reactions/:emoji": "Remove one's reaction",
  "GET /api/v1/conversations/:id/pins": "A conversation's pinned messages",
  "POST /api/v1/conversations/:id/pins": "Pin a message",
  "DELETE /api/v1/conversations/:id/pins/:seq": "Unpin a message",
  "GET /api/v1/conversations/:id/hidden": "The messages one hid",
  "POST /api/v1/conversations/:id/hidden": "Hide messages from one's own view",
  "GET /api/v1/me/favourites": "One's favourites",
  "POST /api/v1/me/favourites": "Save a message as a favourite",
  "DELETE /api/v1/me/favourites/:id": "Remove a favourite",
  "POST /api/v1/groups": "Create a group",
  "PATCH /api/v1/groups/:id": "Rename a group",
  "DELETE /api/v1/groups/:id": "Disband a group",
  "GET /api/v1/groups/:id/members": "A group's members",
  "POST /api/v1/groups/:id/members": "Add members to a group",
  "POST /api/v1/groups/:id/members/remove": "Remove members from a group",
  "PUT /api/v1/groups/:id/members/:userId/role": "Change a member's role",
  "POST /api/v1/groups/:id/leave": "Leave a group",
  "PUT /api/v1/groups/:id/announcement": "Set or clear a group's announcement",
  "POST /api/v1/groups/:id/invites": "Make an invite link to a group",
  "DELETE /api/v1/groups/:id/invites": "Revoke a group's invite links",
  "GET /api/v1/invites/:token": "What an invite link is for",
  "POST /api/v1/invites/:token/join": "Join a group by an invite link",
  "GET /.well-known/starling": "A domain's onboarding document",
  "GET /api/v1/search": "Search people, groups, messages and files",
  "GET /api/v1/push/config": "The push providers and the Web Push key",
  "GET /api/v1/push/devices": "One's own push devices",
  "POST /api/v1/push/devices": "Register a device for push notifications",
  "DELETE /api/v1/push/devices/:id": "Remove one of one's own push devices",
  "PUT /api/v1/me/avatar": "Set one's own avatar",
  "PUT /api/v1/groups/:id/avatar": "Set a group's avatar",
  "GET /api/v1/avatars/:id": "An avatar picture",
  "POST /api/v1/files": "Upload a file",
  "POST /api/v1/files/by-hash": "Reuse a file by its SHA-256",
  "GET /api/v1/files/:id": "A file's metadata",
  "POST /api/v1/files/:id/link": "A short-lived link to a file",
  "GET /api/v1/files/:id/thumbnail": "A file's thumbnail",
  "GET /api/v1/files/:id/content": "A file's bytes",
  "POST /api/v1/uploads": "Start a resumable upload (tus)",
  "PATCH /api/v1/uploads/:id": "Send the next bytes of a resumable upload",
  "DELETE /api/v1/uploads/:id": "Cancel a resumable upload",
  "GET /api/v1/uploads/:id": "A resumable upload's progress",
  "PUT /api/v1/xmpp/upload/:id": "Upload to an XMPP upload slot",
  "GET /api/v1/xmpp/files/:id/:sig/:name": "Download from an XMPP file URL",
  "GET /api/v1/admin/domains": "List domains",
  "POST /api/v1/admin/domains": "Add a domain",
  "POST /api/v1/admin/domains/:name/disabled": "Disable or enable a domain",
  "PATCH /api/v1/admin/domains/:name": "Set a domain's file limits",
  "GET /api/v1/admin/users": "List users",
  "POST /api/v1/admin/users": "Add a user",
  "GET /api/v1/admin/users/:id": "One user",
  "PATCH /api/v1/admin/users/:id": "Change a user's profile",
  "POST /api/v1/admin/users/:id/password": "Set a user's password",
  "POST /api/v1/admin/users/:id/disabled": "Disable or enable a user",
  "POST /api/v1/admin/users/:id/logout": "Log a user out everywhere",
  "POST /api/v1/admin/users/:id/activation": "Make a one-time activation code for a user",
  "POST /api/v1/admin/departments": "Create or change a department",
  "DELETE /api/v1/admin/departments/:id": "Delete a department",
  "POST /api/v1/admin/import/users": "Import users from CSV or JSON",
  "GET /api/v1/admin/audit": "The audit log",
  "GET /api/v1/admin/federation/links": "Federation links with their queues and marks",
  "POST /api/v1/admin/federation/links": "Link to another domain",
  "POST /api/v1/admin/federation/links/:peer/suspend": "Suspend a federation link",
  "POST /api/v1/admin/federation/links/:peer/resume": "Resume a federation link",
  "DELETE /api/v1/admin/federation/links/:peer": "Remove a federation link and its queue",
  "POST /api/v1/admin/federation/links/:peer/ping": "Queue a ping to a linked domain",
  "GET /api/v1/admin/federation/links/:peer/pings": "Pings received from a linked domain",
  "GET /api/v1/admin/settings": "The effective configuration",
  "GET /api/v1/admin/groups": "List groups",
  "POST /api/v1/admin/groups": "Create a group as an administrator",
  "POST /api/v1/admin/groups/:id/members": "Add members to a group as an administrator",
  "POST /api/v1/admin/groups/:id/members/remove": "Remove members from a group as an administrator",
  "POST /api/v1/admin/bots": "Make a bot account",
  "POST /api/v1/admin/bots/:id/tokens": "Issue a token for a bot",
  "GET /api/v1/admin/bots/:id/tokens": "A bot's tokens",
  "DELETE /api/v1/admin/bots/:id/tokens/:tokenId": "Revoke a bot's token",
  "POST /api/v1/groups/:id/hooks": "Make an incoming webhook for a group",
  "GET /api/v1/groups/:id/hooks": "A group's incoming webhooks",
  "DELETE /api/v1/groups/:id/hooks/:hookId": "Revoke an incoming webhook",
  "POST /api/v1/hooks/:id/:secret": "Post into a group through an incoming webhook",
  "POST /api/v1/admin/groups/:id/hooks": "Make an incoming webhook for a group as an administrator",
  "GET /api/v1/admin/groups/:id/hooks": "A group's incoming webhooks, as an administrator",
  "DELETE /api/v1/admin/groups/:id/hooks/:hookId": "Revoke an incoming webhook as an administrator",
};

/** The statuses of the errors, as error-status.ts maps the codes, and when each applies. */
const ERRORS: { status: string; description: string; applies(op: OperationFacts): boolean }[] = [
  {
    status: "400",
    description: "INVALID_ARGUMENT or another request error: the body, query or path failed validation.",
    applies: () => true,
  },
  {
    status: "401",
    description: "UNAUTHENTICATED or BAD_CREDENTIALS: no bearer token, or one that is not valid.",
    applies: (op) => op.secured || op.login,
  },
  {
    status: "403",
    description:
      "FORBIDDEN, NOT_A_MEMBER, ACCOUNT_DISABLED, PASSWORD_CHANGE_REQUIRED...: the caller may not do this.",
    applies: (op) => op.secured || op.login,
  },
  {
    status: "404",
    description: "NOT_FOUND: no such thing, or none the caller may see.",
    applies: (op) => op.hasParams,
  },
  {
    status: "410",
    description:
      "INVITE_EXPIRED or ACTIVATION_CODE_EXPIRED: the invite link or activation code is past its expiry.",
    applies: (op) => op.invite,
  },
  {
    status: "429",
    description: "RATE_LIMITED or LOGIN_LOCKED: too many requests; Retry-After says when to try again.",
    applies: (op) => op.api,
  },
  {
    status: "500",
    description: "INTERNAL: the server failed; the message says nothing more.",
    applies: () => true,
  },
  {
    status: "503",
    description:
      "UNAVAILABLE or SHUTTING_DOWN: retryable; the database cannot write now, or the server is stopping.",
    applies: (op) => op.api,
  },
];

interface OperationFacts {
  secured: boolean;
  hasParams: boolean;
  /** Under /api/, where the per-address rate limit and the store's refusals apply. */
  api: boolean;
  /** Logging in: wrong credentials are 401, a disabled account 403. */
  login: boolean;
  /** Using an invite link or an activation code, which can have expired. */
  invite: boolean;
}

/** GET /api/v1/conversations/:id/messages -> getConversationsByIdMessages. */
export function operationIdOf(method: string, url: string): string {
  const words = url
    .replace(/^\/api\/v1\//, "/")
    .split(/[/.\-_]+/)
    .filter(Boolean)
    .map((part) => (part.startsWith(":") ? `by-${part.slice(1)}` : part === "*" ? "any" : part))
    .flatMap((part) => part.split("-"))
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1));
  return `${method.toLowerCase()}${words.join("")}`;
}

/** Whether a route's responses already cover `status` by itself or by its range (4xx). */
function covered(responses: Schema, status: string): boolean {
  return status in responses || `${status[0]}xx` in responses || `${status[0]}XX` in responses;
}

/** The `transform` of @fastify/swagger: one route's schema as the document shows it. */
export function documentOperation({
  schema,
  url,
  route,
}: {
  schema: unknown;
  url: string;
  route: RouteOptions;
}): { schema: Schema; url: string } {
  const s: Schema = { ...((schema as Schema | undefined) ?? {}) };
  if (s.hide) return { schema: s, url };
  const method = String(Array.isArray(route.method) ? route.method[0] : route.method);
  const security = Array.isArray(s.security) ? s.security : [];
  const facts: OperationFacts = {
    secured: security.length > 0,
    hasParams: url.includes(":") || url.includes("*"),
    api: url.startsWith("/api/"),
    login: /\/auth\/login$|\/activate$/.test(url),
    invite: url.includes("/invites/:") || url.endsWith("/activate"),
  };
  s.operationId ??= operationIdOf(method, url);
  s.summary ??= SUMMARIES[`${method} ${url}`] ?? `${method} ${url}`;
  s.security = security;
  const responses: Schema = { ...((s.response as Schema | undefined) ?? {}) };
  if (!Object.keys(responses).some((k) => k.startsWith("2")))
    responses["2xx"] = { description: "Success", type: "object", additionalProperties: true };
  for (const e of ERRORS)
    if (e.applies(facts) && !covered(responses, e.status))
      responses[e.status] = { ...ErrorBody, description: e.description };
  s.response = responses;
  return { schema: s, url };
}
