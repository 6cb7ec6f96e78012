import { create, toJson } from "@bufbuild/protobuf";
import { type Static, Type } from "@sinclair/typebox";
import {
  AttachmentKind,
  AttachmentSchema,
  ConversationSchema,
  MessageSchema,
  SendMessageSchema,
  SyncResultSchema,
} from "@starling/protocol";
import type { FastifyInstance } from "fastify";
import type { Core } from "../../core/core.js";
import { MAX_ATTACHMENTS } from "../../core/files/attachments.js";
import { completeUserId, completeUserIds } from "../../core/kernel/ids.js";
import {
  type CoreLimits,
  MAX_CONVERSATION_ID_LENGTH,
  MAX_FILE_ID_LENGTH,
  MAX_ID_LENGTH,
  MAX_USER_ID_LENGTH,
  maxJsonMessageBytes,
} from "../../core/kernel/limits.js";
import type { HttpAuth } from "./auth.js";
import { IdParam, Ok, UserId, userIds } from "./schemas.js";

const Seq = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });

/*
 * Every bound below comes from the core's limits (the configured ones among them), so the
 * schema never refuses what the core would accept: a raised limits.maxTextLength works here
 * as it does over the native protocol and XMPP.
 */
const syncQuery = (l: CoreLimits) =>
  Type.Object(
    {
      cursor: Type.Optional(Seq),
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: l.syncMaxLimit })),
    },
    { additionalProperties: false },
  );
const historyQuery = (l: CoreLimits) =>
  Type.Object(
    {
      afterSeq: Type.Optional(Seq),
      beforeSeq: Type.Optional(Seq),
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: l.historyMaxLimit })),
    },
    { additionalProperties: false },
  );
const newMessage = (l: CoreLimits) =>
  Type.Object(
    {
      to: Type.Optional(
        Type.String({ minLength: 1, maxLength: MAX_USER_ID_LENGTH, description: "A user id (1:1)" }),
      ),
      conversationId: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_CONVERSATION_ID_LENGTH })),
      clientMsgId: Type.String({
        minLength: 1,
        maxLength: l.maxClientMsgIdLength,
        description: "Chosen by the client; a resend with the same id and content returns the first ack.",
      }),
      text: Type.String({ maxLength: l.maxTextLength }),
      replyToSeq: Type.Optional(Seq),
      attachments: Type.Optional(
        Type.Array(
          Type.Object(
            {
              fileId: Type.String({ minLength: 1, maxLength: MAX_FILE_ID_LENGTH }),
              kind: Type.Optional(
                Type.Union(["image", "file", "voice", "video"].map((k) => Type.Literal(k))),
              ),
            },
            { additionalProperties: false },
          ),
          { maxItems: MAX_ATTACHMENTS, description: "Uploaded files; the server fills in their details." },
        ),
      ),
    },
    { additionalProperties: false },
  );
type SyncQuery = Static<ReturnType<typeof syncQuery>>;
type HistoryQuery = Static<ReturnType<typeof historyQuery>>;
type NewMessage = Static<ReturnType<typeof newMessage>>;
const ATTACHMENT_KINDS: Record<string, AttachmentKind> = {
  image: AttachmentKind.IMAGE,
  file: AttachmentKind.FILE,
  voice: AttachmentKind.VOICE,
  video: AttachmentKind.VIDEO,
};
const Prefs = Type.Object(
  {
    pinned: Type.Optional(Type.Boolean()),
    muted: Type.Optional(Type.Boolean()),
    announcementSeenAt: Type.Optional(
      Type.Integer({ minimum: 0, description: "The announcementAt of the announcement dismissed." }),
    ),
  },
  { additionalProperties: false },
);
const SeqBody = Type.Object({ seq: Seq }, { additionalProperties: false });
const groupName = (l: CoreLimits) => Type.String({ minLength: 1, maxLength: l.maxGroupNameLength });
const newGroup = (l: CoreLimits) =>
  Type.Object({ name: groupName(l), memberIds: userIds(l) }, { additionalProperties: false });
const rename = (l: CoreLimits) => Type.Object({ name: groupName(l) }, { additionalProperties: false });
type NewGroup = Static<ReturnType<typeof newGroup>>;
type Rename = Static<ReturnType<typeof rename>>;
const members = (l: CoreLimits) => Type.Object({ userIds: userIds(l) }, { additionalProperties: false });
const RoleParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: MAX_ID_LENGTH }),
  userId: UserId,
});
const Role = Type.Object(
  { role: Type.Union([Type.Literal("owner"), Type.Literal("admin"), Type.Literal("member")]) },
  { additionalProperties: false },
);

const security = [{ bearer: [] }];

/**
 * Conversations, history by seq range, sending, and groups over HTTP, for
 * bots and scripts; the native protocol remains the way to receive pushes.
 * Messages and conversations are the protobuf messages in their JSON mapping.
 */
export function registerConversationRoutes(app: FastifyInstance, core: Core, auth: HttpAuth): void {
  const base = "/api/v1";
  const tags = ["conversations"];
  const SyncQuery = syncQuery(core.limits);
  const HistoryQuery = historyQuery(core.limits);
  const NewMessage = newMessage(core.limits);
  const NewGroup = newGroup(core.limits);
  const Rename = rename(core.limits);
  const Members = members(core.limits);

  app.get<{ Querystring: SyncQuery }>(
    `${base}/conversations`,
    {
      schema: {
        tags,
        security,
        querystring: SyncQuery,
        description: "Conversations changed after `cursor`.",
      },
    },
    async (req) => {
      const a = await auth.user(req);
      return toJson(
        SyncResultSchema,
        await core.sync.since(a.user.id, req.query.cursor ?? 0, req.query.limit ?? 0),
      );
    },
  );

  app.get<{ Params: Static<typeof IdParam> }>(
    `${base}/conversations/:id`,
    { schema: { tags, security, params: IdParam } },
    async (req) => {
      const a = await auth.user(req);
      return toJson(ConversationSchema, await core.sync.one(a.user.id, req.params.id));
    },
  );

  app.get<{ Params: Static<typeof IdParam>; Querystring: HistoryQuery }>(
    `${base}/conversations/:id/messages`,
    {
      schema: {
        tags,
        security,
        params: IdParam,
        querystring: HistoryQuery,
        description: "Forwards from afterSeq, or backwards from beforeSeq alone (scrollback).",
      },
    },
    async (req) => {
      const a = await auth.user(req);
      const page = await core.history.page(a.user.id, req.params.id, {
        afterSeq: req.query.afterSeq ?? 0,
        beforeSeq: req.query.beforeSeq ?? 0,
        limit: req.query.limit ?? 0,
      });
      return { messages: page.messages.map((m) => toJson(MessageSchema, m)), hasMore: page.hasMore };
    },
  );

  app.post<{ Params: Static<typeof IdParam>; Body: Static<typeof SeqBody> }>(
    `${base}/conversations/:id/read`,
    { schema: { tags, security, params: IdParam, body: SeqBody, response: { 200: Ok } } },
    async (req) => {
      const a = await auth.user(req);
      await core.receipts.markRead(a.user.id, req.params.id, req.body.seq);
      return { ok: true };
    },
  );

  app.post<{ Body: NewMessage }>(
    `${base}/messages`,
    {
      // The server-wide body limit is far smaller than the longest text may be.
      bodyLimit: Math.max(app.initialConfig.bodyLimit ?? 0, maxJsonMessageBytes(core.limits)),
      schema: {
        tags,
        security,
        body: NewMessage,
        description: "Give exactly one of `to` and `conversationId`.",
      },
    },
    async (req) => {
      const a = await auth.user(req);
      const b = req.body;
      const ack = await core.send(
        a.user.id,
        create(SendMessageSchema, {
          toUserId: b.to ?? "",
          conversationId: b.conversationId ?? "",
          clientMsgId: b.clientMsgId,
          content: {
            text: b.text,
            replyToSeq: BigInt(b.replyToSeq ?? 0),
            attachments: (b.attachments ?? []).map((x) => ({
              fileId: x.fileId,
              kind: ATTACHMENT_KINDS[x.kind ?? ""] ?? AttachmentKind.UNSPECIFIED,
            })),
          },
        }),
      );
      return {
        conversationId: ack.conversationId,
        seq: ack.seq,
        serverTime: ack.serverTime,
        duplicate: ack.duplicate,
        ...(ack.attachments ? { attachments: ack.attachments.map((x) => toJson(AttachmentSchema, x)) } : {}),
      };
    },
  );

  app.put<{ Params: Static<typeof IdParam>; Body: Static<typeof Prefs> }>(
    `${base}/conversations/:id/prefs`,
    {
      schema: {
        tags,
        security,
        params: IdParam,
        body: Prefs,
        description: "The caller's own settings of the conversation, on all their devices.",
      },
    },
    async (req, reply) => {
      const a = await auth.user(req);
      await core.prefs.set(a.user.id, req.params.id, req.body);
      reply.status(204);
    },
  );

  app.post<{ Params: Static<typeof IdParam>; Body: Static<typeof SeqBody> }>(
    `${base}/conversations/:id/recall`,
    {
      schema: {
        tags,
        security,
        params: IdParam,
        body: SeqBody,
        description: "Recalls a message: its sender within the window, or a group admin.",
      },
    },
    async (req, reply) => {
      const a = await auth.user(req);
      await core.recaller.recall(a.user.id, req.params.id, req.body.seq);
      reply.status(204);
    },
  );

  const gtags = ["groups"];
  app.post<{ Body: NewGroup }>(
    `${base}/groups`,
    { schema: { tags: gtags, security, body: NewGroup } },
    async (req, reply) => {
      const a = await auth.user(req);
      const conv = await core.groups.create(
        { userId: a.user.id },
        req.body.name,
        completeUserIds(req.body.memberIds, a.user.domain),
      );
      reply.status(201);
      return toJson(ConversationSchema, conv);
    },
  );

  app.patch<{ Params: Static<typeof IdParam>; Body: Rename }>(
    `${base}/groups/:id`,
    { schema: { tags: gtags, security, params: IdParam, body: Rename, response: { 200: Ok } } },
    async (req) => {
      const a = await auth.user(req);
      await core.groups.rename({ userId: a.user.id }, req.params.id, req.body.name);
      return { ok: true };
    },
  );

  app.delete<{ Params: Static<typeof IdParam> }>(
    `${base}/groups/:id`,
    {
      schema: {
        tags: gtags,
        security,
        params: IdParam,
        response: { 200: Ok },
        description: "Disband (owner only).",
      },
    },
    async (req) => {
      const a = await auth.user(req);
      await core.groups.disband({ userId: a.user.id }, req.params.id);
      return { ok: true };
    },
  );

  app.get<{ Params: Static<typeof IdParam> }>(
    `${base}/groups/:id/members`,
    { schema: { tags: gtags, security, params: IdParam } },
    async (req) => {
      const a = await auth.user(req);
      const members = await core.groups.listMembers({ userId: a.user.id }, req.params.id);
      return {
        members: members.map((m) => ({
          userId: m.userId,
          role: m.role,
          readSeq: m.readSeq,
          deliveredSeq: m.deliveredSeq,
        })),
      };
    },
  );

  app.post<{ Params: Static<typeof IdParam>; Body: Static<typeof Members> }>(
    `${base}/groups/:id/members`,
    { schema: { tags: gtags, security, params: IdParam, body: Members, response: { 200: Ok } } },
    async (req) => {
      const a = await auth.user(req);
      await core.groups.addMembers(
        { userId: a.user.id },
        req.params.id,
        completeUserIds(req.body.userIds, a.user.domain),
      );
      return { ok: true };
    },
  );

  app.post<{ Params: Static<typeof IdParam>; Body: Static<typeof Members> }>(
    `${base}/groups/:id/members/remove`,
    { schema: { tags: gtags, security, params: IdParam, body: Members, response: { 200: Ok } } },
    async (req) => {
      const a = await auth.user(req);
      await core.groups.removeMembers(
        { userId: a.user.id },
        req.params.id,
        completeUserIds(req.body.userIds, a.user.domain),
      );
      return { ok: true };
    },
  );

  app.put<{ Params: Static<typeof RoleParams>; Body: Static<typeof Role> }>(
    `${base}/groups/:id/members/:userId/role`,
    { schema: { tags: gtags, security, params: RoleParams, body: Role, response: { 200: Ok } } },
    async (req) => {
      const a = await auth.user(req);
      await core.groups.setRole(
        { userId: a.user.id },
        req.params.id,
        completeUserId(req.params.userId, a.user.domain),
        req.body.role,
      );
      return { ok: true };
    },
  );

  app.post<{ Params: Static<typeof IdParam> }>(
    `${base}/groups/:id/leave`,
    { schema: { tags: gtags, security, params: IdParam, response: { 200: Ok } } },
    async (req) => {
      const a = await auth.user(req);
      await core.groups.leave({ userId: a.user.id }, req.params.id);
      return { ok: true };
    },
  );
}
