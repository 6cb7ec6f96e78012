import { toJson } from "@bufbuild/protobuf";
import { type Static, Type } from "@sinclair/typebox";
import { create, PushDeviceListSchema, PushDeviceSchema } from "@starling/protocol";
import type { FastifyInstance } from "fastify";
import type { Core } from "../../core/core.js";
import { MAX_ID_LENGTH, PUSH_DEVICE_LIMITS } from "../../core/kernel/limits.js";
import { pushDeviceMessage } from "../../core/push/device-message.js";
import { PUSH_PLATFORMS } from "../../core/push/devices.js";
import type { HttpAuth } from "./auth.js";

const Millis = Type.String({ description: "Unix time in milliseconds (int64 as a string)" });
const PushDevice = Type.Object({
  id: Type.String(),
  provider: Type.String(),
  platform: Type.String(),
  appId: Type.Optional(Type.String()),
  token: Type.String(),
  locale: Type.Optional(Type.String()),
  createdAt: Type.Optional(Millis),
  lastUsedAt: Type.Optional({
    ...Millis,
    description: "When a notification last reached the provider (absent: never)",
  }),
});
const PushDeviceList = Type.Object({ devices: Type.Optional(Type.Array(PushDevice)) });
/* The bounds below are checked again by the core (in bytes); these spare it requests that cannot pass. */
const NewPushDevice = Type.Object(
  {
    provider: Type.String({
      minLength: 1,
      maxLength: PUSH_DEVICE_LIMITS.providerLength,
      description: "One of GET /api/v1/push/config's providers",
    }),
    platform: Type.Union(PUSH_PLATFORMS.map((p) => Type.Literal(p))),
    appId: Type.Optional(Type.String({ maxLength: PUSH_DEVICE_LIMITS.appIdBytes })),
    token: Type.String({ minLength: 1, maxLength: PUSH_DEVICE_LIMITS.tokenBytes }),
    locale: Type.Optional(Type.String({ maxLength: PUSH_DEVICE_LIMITS.localeLength })),
  },
  { additionalProperties: false },
);
const DeviceParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: MAX_ID_LENGTH }) });
const PushConfig = Type.Object({
  providers: Type.Array(Type.String(), { description: "What a device may register with" }),
  webPushPublicKey: Type.Optional(
    Type.String({
      description: "The VAPID application server key (raw P-256, base64url), when Web Push is on",
    }),
  ),
});

const tags = ["push"];
const security = [{ bearer: [] }];

/**
 * The caller's push devices: the same calls as RegisterPushDevice, UnregisterPushDevice and
 * ListPushDevices on the native protocol, with the rules in core/push/devices.ts.
 */
export function registerPushRoutes(app: FastifyInstance, core: Core, auth: HttpAuth): void {
  const base = "/api/v1/push";

  app.get(
    `${base}/config`,
    {
      schema: {
        tags,
        security,
        description: "What a client needs to subscribe: the providers and the Web Push key (as in Welcome).",
        response: { 200: PushConfig },
      },
    },
    async (req) => {
      await auth.user(req);
      return {
        providers: core.pushDevices.providerNames(),
        ...(core.webPushPublicKey ? { webPushPublicKey: core.webPushPublicKey } : {}),
      };
    },
  );

  app.get(
    `${base}/devices`,
    {
      schema: {
        tags,
        security,
        description: "The caller's registered devices.",
        response: { 200: PushDeviceList },
      },
    },
    async (req) => {
      const a = await auth.user(req);
      const devices = (await core.pushDevices.list(a.user.id)).map(pushDeviceMessage);
      return toJson(PushDeviceListSchema, create(PushDeviceListSchema, { devices }));
    },
  );

  app.post<{ Body: Static<typeof NewPushDevice> }>(
    `${base}/devices`,
    {
      schema: {
        tags,
        security,
        body: NewPushDevice,
        description:
          "Registers a device of the caller's, or updates it: a token registered already moves to the caller.",
        response: { 200: PushDevice },
      },
    },
    async (req) => {
      const a = await auth.user(req);
      const stored = await core.pushDevices.register(a.user.id, {
        provider: req.body.provider,
        platform: req.body.platform,
        appId: req.body.appId ?? "",
        token: req.body.token,
        locale: req.body.locale ?? "",
      });
      return toJson(PushDeviceSchema, pushDeviceMessage(stored));
    },
  );

  app.delete<{ Params: Static<typeof DeviceParams> }>(
    `${base}/devices/:id`,
    { schema: { tags, security, params: DeviceParams, description: "Removes one of the caller's devices." } },
    async (req, reply) => {
      const a = await auth.user(req);
      await core.pushDevices.unregister(a.user.id, { id: req.params.id });
      reply.status(204);
    },
  );
}
