import { type Static, Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { Federation } from "../../core/federation/federation.js";
import {
  DEPARTMENT_LIMITS,
  FEDERATION_LIMITS,
  MAX_CONVERSATION_ID_LENGTH,
  MAX_USER_ID_LENGTH,
} from "../../core/kernel/limits.js";
import type { FederationLinkRecord } from "../../core/kernel/records.js";
import type { HttpAuth } from "./auth.js";
import { DomainName, Ok } from "./schemas.js";

const entries = (maxLength: number) =>
  Type.Optional(
    Type.Array(Type.String({ minLength: 1, maxLength }), { maxItems: FEDERATION_LIMITS.allowEntries }),
  );
const AllowList = Type.Object(
  {
    users: entries(MAX_USER_ID_LENGTH),
    departments: entries(DEPARTMENT_LIMITS.idLength),
    groups: entries(MAX_CONVERSATION_ID_LENGTH),
  },
  { additionalProperties: false, description: "Who on this side the peer may reach; empty lists: nobody." },
);
const NewLink = Type.Object(
  {
    peerDomain: DomainName,
    endpoint: Type.String({
      minLength: 3,
      maxLength: FEDERATION_LIMITS.endpointLength,
      description: "host:port",
    }),
    pin: Type.Optional(
      Type.String({ maxLength: 95, description: "SHA-256 fingerprint of the peer's certificate, colon hex" }),
    ),
    ca: Type.Optional(
      Type.String({
        maxLength: FEDERATION_LIMITS.caPathLength,
        description: "Path of a PEM file of the peer's CA",
      }),
    ),
    allow: Type.Optional(AllowList),
  },
  { additionalProperties: false },
);
const PeerParam = Type.Object({ peer: DomainName });
const Ping = Type.Object(
  { body: Type.String({ minLength: 1, maxLength: FEDERATION_LIMITS.pingBodyLength }) },
  { additionalProperties: false },
);

const tags = ["admin"];
const security = [{ bearer: [] }];

/**
 * Federation links for the server administrator (the admin key or an
 * administrator of the server's own domain with scope "*"): add, list,
 * suspend, resume, remove, and a ping that travels the link like any frame.
 */
export function registerFederationRoutes(app: FastifyInstance, fed: Federation, auth: HttpAuth): void {
  const base = "/api/v1/admin/federation/links";
  const withState = async (l: FederationLinkRecord) => ({
    ...l,
    queued: await fed.outbox.depth(l.peerDomain),
    appliedSeq: await fed.inbox.mark(l.peerDomain),
  });

  app.get(base, { schema: { tags, security } }, async (req) => {
    const links = await fed.links.list(await auth.admin(req));
    return { links: await Promise.all(links.map(withState)) };
  });

  app.post<{ Body: Static<typeof NewLink> }>(
    base,
    { schema: { tags, security, body: NewLink } },
    async (req, reply) => {
      const caller = await auth.admin(req);
      const { peerDomain, endpoint, pin, ca, allow } = req.body;
      const link = await fed.links.add(caller, {
        peerDomain,
        endpoint,
        ...(pin ? { pin } : {}),
        ...(ca ? { caPath: ca } : {}),
        ...(allow ? { allow } : {}),
      });
      reply.status(201);
      return withState(link);
    },
  );

  app.post<{ Params: Static<typeof PeerParam> }>(
    `${base}/:peer/suspend`,
    { schema: { tags, security, params: PeerParam, response: { 200: Ok } } },
    async (req) => {
      await fed.links.suspend(await auth.admin(req), req.params.peer);
      return { ok: true };
    },
  );

  app.post<{ Params: Static<typeof PeerParam> }>(
    `${base}/:peer/resume`,
    { schema: { tags, security, params: PeerParam, response: { 200: Ok } } },
    async (req) => {
      await fed.links.resume(await auth.admin(req), req.params.peer);
      return { ok: true };
    },
  );

  app.delete<{ Params: Static<typeof PeerParam> }>(
    `${base}/:peer`,
    { schema: { tags, security, params: PeerParam, response: { 200: Ok } } },
    async (req) => {
      await fed.links.remove(await auth.admin(req), req.params.peer);
      return { ok: true };
    },
  );

  app.post<{ Params: Static<typeof PeerParam>; Body: Static<typeof Ping> }>(
    `${base}/:peer/ping`,
    {
      schema: {
        tags,
        security,
        params: PeerParam,
        body: Ping,
        description:
          "Queues a ping frame to the peer; answered once it is stored in the outbox, with its seq.",
      },
    },
    async (req) => {
      return { seq: await fed.ping(await auth.admin(req), req.params.peer, req.body.body) };
    },
  );

  app.get<{ Params: Static<typeof PeerParam> }>(
    `${base}/:peer/pings`,
    {
      schema: {
        tags,
        security,
        params: PeerParam,
        description: "The pings received from the peer, in seq order.",
      },
    },
    async (req) => {
      return { pings: await fed.pings(await auth.admin(req), req.params.peer) };
    },
  );
}
