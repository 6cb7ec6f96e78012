import { toJson } from "@bufbuild/protobuf";
import { type Static, Type } from "@sinclair/typebox";
import { SessionListSchema, SettingsSchema } from "@starling/protocol";
import type { FastifyInstance } from "fastify";
import type { Core } from "../../core/core.js";
import type { HttpAuth } from "./auth.js";
import { Ok } from "./schemas.js";

const SessionInfo = Type.Object({
  id: Type.String(),
  platform: Type.Optional(Type.String()),
  client: Type.Optional(Type.String()),
  deviceId: Type.Optional(Type.String()),
  createdAt: Type.Optional(Type.String({ description: "Unix time in milliseconds (int64 as a string)" })),
  lastActiveAt: Type.Optional(Type.String({ description: "Unix time in milliseconds (int64 as a string)" })),
  expiresAt: Type.Optional(Type.String({ description: "Unix time in milliseconds (int64 as a string)" })),
  current: Type.Optional(Type.Boolean({ description: "The session this request came with" })),
});
const SessionList = Type.Object({ sessions: Type.Optional(Type.Array(SessionInfo)) });
const SessionParam = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
const Settings = Type.Object({
  desktopNotifications: Type.Optional(Type.Boolean()),
  notificationSound: Type.Optional(Type.Boolean()),
  messagePreviews: Type.Optional(Type.Boolean()),
  version: Type.Optional(Type.String({ description: "Grows with every change (int64 as a string)" })),
});
const SettingsPatch = Type.Object(
  {
    desktopNotifications: Type.Optional(Type.Boolean()),
    notificationSound: Type.Optional(Type.Boolean()),
    messagePreviews: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const tags = ["session"];
const security = [{ bearer: [] }];

/**
 * A user's own sessions and roaming settings: the same calls as ListSessions, RevokeSession and
 * SetSettings on the native protocol. Every route acts on the caller alone.
 */
export function registerMeRoutes(app: FastifyInstance, core: Core, auth: HttpAuth): void {
  const base = "/api/v1/me";

  app.get(`${base}/sessions`, { schema: { tags, security, response: { 200: SessionList } } }, async (req) => {
    const a = await auth.user(req);
    return toJson(SessionListSchema, await core.ownSessions.list(a.user.id, a.tokenHash));
  });

  app.delete<{ Params: Static<typeof SessionParam> }>(
    `${base}/sessions/:id`,
    { schema: { tags, security, params: SessionParam, response: { 200: Ok } } },
    async (req) => {
      const a = await auth.user(req);
      await core.ownSessions.revoke(a.user.id, req.params.id);
      return { ok: true };
    },
  );

  app.delete(
    `${base}/sessions`,
    {
      schema: {
        tags,
        security,
        description: "Every session but the one this request came with.",
        response: { 200: Type.Object({ ok: Type.Boolean(), ended: Type.Integer() }) },
      },
    },
    async (req) => {
      const a = await auth.user(req);
      return { ok: true, ended: await core.ownSessions.revokeOthers(a.user.id, a.tokenHash) };
    },
  );

  app.get(`${base}/settings`, { schema: { tags, security, response: { 200: Settings } } }, async (req) => {
    const a = await auth.user(req);
    return toJson(SettingsSchema, await core.settings.get(a.user.id));
  });

  app.patch<{ Body: Static<typeof SettingsPatch> }>(
    `${base}/settings`,
    { schema: { tags, security, body: SettingsPatch, response: { 200: Settings } } },
    async (req) => {
      const a = await auth.user(req);
      return toJson(SettingsSchema, await core.settings.set(a.user.id, req.body));
    },
  );
}
