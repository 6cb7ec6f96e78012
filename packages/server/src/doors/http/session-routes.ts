import { toJson } from "@bufbuild/protobuf";
import { type Static, Type } from "@sinclair/typebox";
import { UserCardSchema } from "@starling/protocol";
import type { FastifyInstance } from "fastify";
import type { Authenticated } from "../../core/accounts/accounts.js";
import type { Core } from "../../core/core.js";
import {
  MAX_DEVICE_ID_LENGTH,
  MAX_PASSWORD_LENGTH,
  MAX_PLATFORM_LENGTH,
  PROFILE_LIMITS,
} from "../../core/kernel/limits.js";
import { HttpAuth } from "./auth.js";
import { Ok, UserId } from "./schemas.js";

const Login = Type.Object(
  {
    userId: UserId,
    password: Type.String({ minLength: 1, maxLength: MAX_PASSWORD_LENGTH }),
    deviceId: Type.Optional(Type.String({ maxLength: MAX_DEVICE_ID_LENGTH })),
    platform: Type.Optional(Type.String({ maxLength: MAX_PLATFORM_LENGTH })),
  },
  { additionalProperties: false },
);
const Activate = Type.Object(
  {
    userId: UserId,
    code: Type.String({ minLength: 1, maxLength: 64, description: "The code from the invite link" }),
    password: Type.String({
      minLength: 1,
      maxLength: MAX_PASSWORD_LENGTH,
      description: "The new password, under the onboarding document's passwordRules",
    }),
    deviceId: Type.Optional(Type.String({ maxLength: MAX_DEVICE_ID_LENGTH })),
    platform: Type.Optional(Type.String({ maxLength: MAX_PLATFORM_LENGTH })),
  },
  { additionalProperties: false },
);
const Session = Type.Object({
  userId: Type.String(),
  token: Type.String({
    description: "Send as `Authorization: Bearer <token>`, or as Hello.token on the native protocol.",
  }),
  expiresAt: Type.Integer({ description: "Unix time in milliseconds" }),
  mustChangePassword: Type.Boolean(),
});
const ChangePassword = Type.Object(
  {
    oldPassword: Type.String({ maxLength: MAX_PASSWORD_LENGTH }),
    newPassword: Type.String({ minLength: 1, maxLength: MAX_PASSWORD_LENGTH }),
  },
  { additionalProperties: false },
);
const ProfilePatch = Type.Object(
  {
    displayName: Type.Optional(Type.String({ maxLength: PROFILE_LIMITS.displayName })),
    title: Type.Optional(Type.String({ maxLength: PROFILE_LIMITS.title })),
    phone: Type.Optional(Type.String({ maxLength: PROFILE_LIMITS.phone })),
    avatar: Type.Optional(Type.String({ maxLength: PROFILE_LIMITS.avatar })),
    statusText: Type.Optional(Type.String({ maxLength: PROFILE_LIMITS.statusText })),
    doNotDisturb: Type.Optional(
      Type.Object(
        {
          on: Type.Optional(Type.Boolean()),
          until: Type.Optional(
            Type.Integer({ minimum: 0, description: "Unix time in milliseconds; 0: none" }),
          ),
          daily: Type.Optional(Type.Boolean()),
          fromMinute: Type.Optional(Type.Integer({ minimum: 0, maximum: 1439 })),
          toMinute: Type.Optional(Type.Integer({ minimum: 0, maximum: 1439 })),
          timeZone: Type.Optional(Type.String({ maxLength: 64, description: "IANA time zone" })),
        },
        { additionalProperties: false, description: "Replaces the whole setting; {} turns it off" },
      ),
    ),
  },
  { additionalProperties: false },
);

const tags = ["session"];
const security = [{ bearer: [] }];

function session(a: Authenticated, token: string) {
  return { userId: a.user.id, token, expiresAt: a.expiresAt, mustChangePassword: a.user.mustChangePassword };
}

/** Logging in and out over HTTP, with the same session tokens as the native protocol; the user's own profile. */
export function registerSessionRoutes(app: FastifyInstance, core: Core, auth: HttpAuth): void {
  const base = "/api/v1";

  app.post<{ Body: Static<typeof Login> }>(
    `${base}/auth/login`,
    { schema: { tags, body: Login, response: { 200: Session } } },
    async (req) => {
      const a = await core.accounts.login(req.body.userId, req.body.password, req.ip, {
        deviceId: req.body.deviceId ?? "",
        platform: req.body.platform ?? "http",
      });
      return session(a, a.token ?? "");
    },
  );

  // Public: the code is the credential, counted like a password (Activation).
  app.post<{ Body: Static<typeof Activate> }>(
    `${base}/activate`,
    { schema: { tags, body: Activate, response: { 200: Session } } },
    async (req) => {
      const { userId, code, password } = req.body;
      const a = await core.activation.activate(userId, code, password, req.ip, {
        deviceId: req.body.deviceId ?? "",
        platform: req.body.platform ?? "http",
      });
      return session(a, a.token ?? "");
    },
  );

  app.post(
    `${base}/auth/refresh`,
    { schema: { tags, security, response: { 200: Session } } },
    async (req) => {
      const a = await core.accounts.refresh(HttpAuth.bearer(req));
      return session(a, a.token ?? "");
    },
  );

  app.post(`${base}/auth/logout`, { schema: { tags, security, response: { 200: Ok } } }, async (req) => {
    const a = await auth.user(req, true);
    await core.accounts.logout(a.tokenHash);
    return { ok: true };
  });

  app.post<{ Body: Static<typeof ChangePassword> }>(
    `${base}/me/password`,
    { schema: { tags, security, body: ChangePassword, response: { 200: Ok } } },
    async (req) => {
      const a = await auth.user(req, true);
      await core.accounts.changePassword(a.user.id, req.body.oldPassword, req.body.newPassword, a.tokenHash);
      return { ok: true };
    },
  );

  app.get(`${base}/me`, { schema: { tags, security } }, async (req) => {
    const a = await auth.user(req);
    const [card] = await core.directory.cards(a.user.id, [a.user.id]);
    return card ? toJson(UserCardSchema, card) : {};
  });

  app.patch<{ Body: Static<typeof ProfilePatch> }>(
    `${base}/me`,
    { schema: { tags, security, body: ProfilePatch } },
    async (req) => {
      const a = await auth.user(req);
      const { doNotDisturb, ...fields } = req.body;
      await core.directoryAdmin.updateUser({ actor: a.user.id, source: req.ip }, a.user.id, {
        ...fields,
        ...(doNotDisturb ? { dnd: doNotDisturb } : {}),
      });
      const [card] = await core.directory.cards(a.user.id, [a.user.id]);
      return card ? toJson(UserCardSchema, card) : {};
    },
  );
}
