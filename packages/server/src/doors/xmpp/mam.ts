import type { Message } from "@starling/protocol";
import { notFound } from "../../core/kernel/errors.js";
import { directConversationId, isDirectId, localPartOf } from "../../core/kernel/ids.js";
import type { MessageRecord } from "../../core/kernel/records.js";
import {
  type ArchiveScope,
  comparePositions,
  fromTime,
  type Page,
  type Position,
  positionOf,
  USER_ARCHIVE_CONVERSATIONS,
  untilTime,
} from "../../core/messaging/archive-page.js";
import { toWireMessage } from "../../core/messaging/content.js";
import {
  conferenceDomain,
  nativeJid,
  type RouterSession,
  roomConversation,
  roomJid,
  type XmppContext,
} from "./context.js";
import { correctionStanza, reactionsStanza } from "./corrections.js";
import { parseJid } from "./jid.js";
import { ownId } from "./message-ids.js";
import { archiveId, bodyOf, delayOf, messageStanza, parseArchiveId, peerOf } from "./render.js";
import { child, childElements, el, NS, type StanzaErrorType, textOf, type XElement } from "./stanza.js";

/** RSM page size when the client gives none, and the largest it may ask for (XEP-0313 section 4.3.1). */
export const MAM_DEFAULT_MAX = 50;
export const MAM_MAX = 250;
/**
 * The user archive merges the user's 1:1 conversations with the most recent
 * messages, this many at most. A catch-up from a `start` time is exact unless
 * more conversations than this were active since; older history of the
 * remaining ones is read with `with`.
 */
export const MAM_USER_CONVERSATIONS = USER_ARCHIVE_CONVERSATIONS;

const EXTENDED = `${NS.mam}#extended`;
const XDATA_VALIDATE = "http://jabber.org/protocol/xdata-validate";

/** A refusal with a stanza error the core's codes have no name for. */
class MamError extends Error {
  constructor(
    readonly type: StanzaErrorType,
    readonly condition: string,
    text: string,
  ) {
    super(text);
  }
}
const badRequest = (text: string) => new MamError("modify", "bad-request", text);
const notInArchive = () => new MamError("cancel", "item-not-found", "no such message in this archive");

/** The disco features an archive advertises: the extended ones are the id fields, flipped pages and metadata. */
export const MAM_FEATURES = [NS.mam, EXTENDED] as const;

/**
 * Message archive management (XEP-0313) served from the conversations'
 * history: the user's 1:1 archive (query to their bare JID, or no `to`) and
 * a room's archive (query to the room's bare JID). Results are sent as
 * messages in chronological order, then the IQ result with the RSM page
 * (XEP-0059). Events are not archive items, but for edits, which are
 * corrections (XEP-0308) of the message they edited, and reaction changes
 * (XEP-0444); a recalled message is a tombstone (XEP-0424) in its place.
 */
export function mamQuery(ctx: XmppContext, iq: XElement, query: XElement): void {
  runQuery(ctx, iq, query).catch((err) => refuse(ctx, iq, err));
}

/** The query form (XEP-0313 section 4.1.5), for an IQ get with an empty `<query/>`. */
export function mamFields(ctx: XmppContext, iq: XElement): void {
  const field = (v: string, type: string, ...children: XElement[]) =>
    el("field", { var: v, type }, ...children);
  ctx.result(
    iq,
    el(
      "query",
      { xmlns: NS.mam },
      el(
        "x",
        { xmlns: NS.dataForms, type: "form" },
        field("FORM_TYPE", "hidden", el("value", {}, NS.mam)),
        field("with", "jid-single"),
        field("start", "text-single"),
        field("end", "text-single"),
        field("before-id", "text-single"),
        field("after-id", "text-single"),
        field(
          "ids",
          "list-multi",
          el("validate", { xmlns: XDATA_VALIDATE, datatype: "xs:string" }, el("open")),
        ),
      ),
    ),
  );
}

/** The archive's first and last items (XEP-0313 section 5), for an IQ get with `<metadata/>`. */
export function mamMetadata(ctx: XmppContext, iq: XElement): void {
  metadata(ctx, iq).catch((err) => refuse(ctx, iq, err));
}

function refuse(ctx: XmppContext, iq: XElement, err: unknown): void {
  if (err instanceof MamError) ctx.error(iq, err.type, err.condition, err.message);
  else ctx.failed(iq, err);
}

// --- the archive queried

/** The archive an IQ names; what the user may read of it is the core's (ArchivePages). */
interface Archive {
  /** The archive's JID: results come from it, so a client can tell them from forgeries. */
  jid: string;
  /** The room's conversation, for a room archive. */
  room?: string;
}

async function archiveOf(ctx: XmppContext, iq: XElement): Promise<Archive> {
  const { session, core } = ctx;
  const to = iq.attrs.to === undefined ? undefined : parseJid(iq.attrs.to);
  if (iq.attrs.to !== undefined && !to) throw new MamError("modify", "jid-malformed", "bad address");
  if (!to || (`${to.local}@${to.domain}` === session.userId && !to.resource)) return { jid: session.userId };
  const room = to.domain === conferenceDomain(session.domain) && !to.resource && roomConversation(to.local);
  if (!room) throw new MamError("cancel", "service-unavailable", "no archive here");
  // Outsiders learn nothing of the room: the same answer whether it exists or not.
  // Someone who left reads what was sent until they left (the read rule).
  if (!(await core.visibility.of(session.userId, room))) throw notFound("no such room");
  return { jid: roomJid(room, session.domain), room };
}

/** What the core reads for an archive, narrowed by `with` to one 1:1 chat. */
function scopeOf(archive: Archive, filter: WithFilter): ArchiveScope {
  if (archive.room) return { room: archive.room };
  return filter.conversationId ? { direct: filter.conversationId } : { user: true };
}

// --- the query

interface QueryForm {
  with?: string;
  start?: number;
  end?: number;
  beforeId?: string;
  afterId?: string;
  ids?: string[];
}

interface RsmRequest {
  max: number;
  after?: string;
  /** "" for the last page. */
  before?: string;
}

async function runQuery(ctx: XmppContext, iq: XElement, query: XElement): Promise<void> {
  const form = parseForm(query);
  const rsm = parseRsm(query);
  const flip = child(query, "flip-page", NS.mam) !== undefined;
  const queryId = query.attrs.queryid;
  const archive = await archiveOf(ctx, iq);
  const { archive: pages } = ctx.core;
  const userId = ctx.session.userId;
  const filter = withFilter(ctx.session, archive, form.with);
  const scope = scopeOf(archive, filter);

  /** The stored message an id names, if it is in this archive (else item-not-found, XEP-0313 section 4.3.2). */
  const stored = async (id: string): Promise<MessageRecord> => {
    const parsed = parseArchiveId(id);
    const row = parsed ? await pages.message(userId, scope, parsed.conversationId, parsed.seq) : undefined;
    if (!row) throw notInArchive();
    return row;
  };
  const position = async (id: string): Promise<Position> => {
    const row = await stored(id);
    return { time: row.serverTime, conversationId: row.conversationId, seq: row.seq };
  };
  const item = (row: MessageRecord) => itemOf(ctx.session, row, filter.sender);

  let page: Page;
  if (form.ids) {
    page = await byIds(form.ids, rsm.max, stored, item);
  } else {
    const lows = [form.afterId, rsm.after];
    const highs = [form.beforeId, rsm.before || undefined];
    let after = form.start === undefined ? undefined : fromTime(form.start);
    let before = form.end === undefined ? undefined : untilTime(form.end);
    for (const id of lows) if (id !== undefined) after = later(after, await position(id));
    for (const id of highs) if (id !== undefined) before = earlier(before, await position(id));
    page = await pages.page(userId, scope, {
      after,
      before,
      backwards: rsm.before !== undefined,
      max: rsm.max,
      item,
    });
  }
  const sent = flip ? [...page.items].reverse() : page.items;
  for (const m of sent) {
    const inner = m.recalled
      ? tombstone(ctx.session, m)
      : m.event
        ? await changeItem(ctx, m)
        : messageStanza(ctx.session, m);
    if (!inner) continue;
    const id = archiveId(m);
    ctx.session.send(
      el(
        "message",
        { xmlns: NS.client, from: archive.jid, to: ctx.session.fullJid, id: `${queryId ?? "mam"}:${id}` },
        el(
          "result",
          { xmlns: NS.mam, queryid: queryId, id },
          el("forwarded", { xmlns: NS.forward }, delayOf(m.serverTime, archive.jid), inner),
        ),
      ),
    );
  }
  const first = page.items[0];
  const last = page.items[page.items.length - 1];
  ctx.result(
    iq,
    el(
      "fin",
      { xmlns: NS.mam, complete: String(page.complete) },
      el(
        "set",
        { xmlns: NS.rsm },
        first && el("first", {}, archiveId(first)),
        last && el("last", {}, archiveId(last)),
      ),
    ),
  );
}

async function metadata(ctx: XmppContext, iq: XElement): Promise<void> {
  const archive = await archiveOf(ctx, iq);
  const scope = scopeOf(archive, {});
  const item = (row: MessageRecord) => itemOf(ctx.session, row, undefined);
  const [oldest, newest] = await Promise.all(
    [false, true].map((backwards) =>
      ctx.core.archive.page(ctx.session.userId, scope, { backwards, max: 1, item }),
    ),
  );
  const mark = (name: string, m: Message | undefined) =>
    m && el(name, { id: archiveId(m), timestamp: new Date(Number(m.serverTime)).toISOString() });
  ctx.result(
    iq,
    el("metadata", { xmlns: NS.mam }, mark("start", oldest?.items[0]), mark("end", newest?.items[0])),
  );
}

const later = (a: Position | undefined, b: Position) => (a && comparePositions(a, b) > 0 ? a : b);
const earlier = (a: Position | undefined, b: Position) => (a && comparePositions(a, b) < 0 ? a : b);

/** The messages an `ids` field names (XEP-0313 section 4.1.3), in archive order; each must be there. */
async function byIds(
  ids: string[],
  max: number,
  stored: (id: string) => Promise<MessageRecord>,
  item: (row: MessageRecord) => Message | undefined,
): Promise<Page> {
  if (ids.length > MAM_MAX) throw badRequest(`at most ${MAM_MAX} ids`);
  const found: Message[] = [];
  for (const id of new Set(ids)) {
    const m = item(await stored(id));
    if (m) found.push(m);
  }
  found.sort((a, b) => comparePositions(positionOf(a), positionOf(b)));
  return { items: found.slice(0, max), complete: found.length <= max };
}

/** What `with` narrows the archive to: one 1:1 conversation, or a room's messages from one sender. */
interface WithFilter {
  /** The 1:1 conversation of a user archive's `with`. */
  conversationId?: string;
  /** For a room: only this sender's messages, by user id or by nick. */
  sender?: (senderId: string) => boolean;
}

function withFilter(session: RouterSession, archive: Archive, value: string | undefined): WithFilter {
  if (value === undefined) return {};
  const jid = parseJid(value);
  if (!jid?.local) throw badRequest("'with' is not a JID of a user or an occupant");
  const bare = `${jid.local}@${jid.domain}`;
  if (!archive.room) return { conversationId: directConversationId(session.userId, bare) };
  // A room's messages are from occupants (room/nick, the nick being the
  // sender's local part) or, in these non-anonymous rooms, real JIDs.
  if (bare === archive.jid) {
    if (!jid.resource) return {};
    const nick = jid.resource;
    return { sender: (id) => localPartOf(id) === nick };
  }
  return { sender: (id) => id === bare };
}

/**
 * An edit as the correction it was (XEP-0308), a reaction change as the reactor's set on the
 * message (XEP-0444 section 3.1: a client keeps the last set per reactor, so replaying every change
 * in order ends in the set the message has now), each naming a message that is still there.
 */
async function changeItem(ctx: XmppContext, event: Message): Promise<XElement | undefined> {
  const kind = event.event?.kind;
  if (kind?.case !== "messageEdited" && kind?.case !== "reactionChanged") return undefined;
  const target = await ctx.core.history.message(
    ctx.session.userId,
    event.conversationId,
    Number(kind.value.targetSeq),
  );
  if (!target || target.recalledBy) return undefined;
  return kind.case === "messageEdited"
    ? correctionStanza(ctx.session, event, target)
    : reactionsStanza(ctx.session, event, target)?.stanza;
}

/**
 * A stored message as an archive item: messages with an XMPP form, recalled ones, edits whose
 * text is still there and reaction changes; no other event.
 */
function itemOf(
  session: RouterSession,
  row: MessageRecord,
  sender: ((senderId: string) => boolean) | undefined,
): Message | undefined {
  if (row.event && row.editOf !== undefined && !row.content) return undefined;
  if (sender && !sender(row.senderId)) return undefined;
  const m = toWireMessage(row);
  if (m.event)
    return m.event.kind.case === "messageEdited" || m.event.kind.case === "reactionChanged" ? m : undefined;
  if (m.recalled) return m;
  return bodyOf(session, m) ? m : undefined;
}

/**
 * A recalled message as a tombstone (XEP-0424): addressed as the message
 * was, its content replaced by who recalled it and when. The recall event
 * itself is not an archive item; the tombstone stands for both.
 */
function tombstone(session: RouterSession, m: Message): XElement | undefined {
  const recalled = m.recalled;
  if (!recalled) return undefined;
  const mine = m.senderId === session.userId;
  const sid = archiveId(m);
  let attrs: Record<string, string>;
  let archivedBy: string;
  if (isDirectId(m.conversationId)) {
    const peer = peerOf(m.conversationId, session.userId);
    if (!peer) return undefined;
    attrs = {
      from: mine ? session.userId : nativeJid(m.senderId),
      to: mine ? peer : session.fullJid,
      type: "chat",
    };
    archivedBy = session.userId;
  } else {
    archivedBy = roomJid(m.conversationId, session.domain);
    attrs = { from: `${archivedBy}/${localPartOf(m.senderId)}`, to: session.fullJid, type: "groupchat" };
  }
  return el(
    "message",
    { xmlns: NS.client, ...attrs, id: mine ? ownId(m.clientMsgId) : m.clientMsgId },
    el("retracted", {
      xmlns: NS.retract,
      by: recalled.by,
      stamp: new Date(Number(recalled.at)).toISOString(),
    }),
    el("stanza-id", { xmlns: NS.stanzaId, by: archivedBy, id: sid }),
    el("origin-id", { xmlns: NS.stanzaId, id: m.clientMsgId }),
  );
}

// --- parsing (XEP-0004 forms, XEP-0059 sets, XEP-0082 times)

function parseForm(query: XElement): QueryForm {
  const x = child(query, "x", NS.dataForms);
  const form: QueryForm = {};
  if (!x) return form;
  if (x.attrs.type !== "submit") throw badRequest("the form must be of type submit");
  const seen = new Set<string>();
  for (const f of childElements(x)) {
    if (f.name !== "field" || f.ns !== NS.dataForms) continue;
    const name = f.attrs.var ?? "";
    if (seen.has(name)) throw badRequest(`field ${name} given twice`);
    seen.add(name);
    const values = childElements(f)
      .filter((v) => v.name === "value" && v.ns === NS.dataForms)
      .map((v) => textOf(v).trim());
    const one = (): string | undefined => {
      if (values.length > 1) throw badRequest(`field ${name} takes one value`);
      return values[0] || undefined;
    };
    switch (name) {
      case "FORM_TYPE":
        if (one() !== NS.mam) throw badRequest(`FORM_TYPE must be ${NS.mam}`);
        break;
      case "with":
        form.with = one();
        break;
      case "start":
      case "end": {
        const v = one();
        if (v === undefined) break;
        const t = parseDateTime(v, name === "start" ? "ceil" : "floor");
        if (t === undefined) throw badRequest(`${name} is not an XEP-0082 date and time`);
        form[name] = t;
        break;
      }
      case "before-id":
        form.beforeId = one();
        break;
      case "after-id":
        form.afterId = one();
        break;
      case "ids":
        if (values.some((v) => v === "")) throw badRequest("an empty id");
        if (values.length > 0) form.ids = values;
        break;
      default:
        // XEP-0313 section 4.1.5: a field the server does not know.
        throw new MamError("cancel", "feature-not-implemented", `unknown field ${name.slice(0, 64)}`);
    }
  }
  return form;
}

function parseRsm(query: XElement): RsmRequest {
  const set = child(query, "set", NS.rsm);
  const rsm: RsmRequest = { max: MAM_DEFAULT_MAX };
  if (!set) return rsm;
  for (const e of childElements(set)) {
    if (e.ns !== NS.rsm) continue;
    const text = textOf(e).trim();
    switch (e.name) {
      case "max":
        if (!/^\d{1,9}$/.test(text)) throw badRequest("max must be a whole number");
        rsm.max = Math.min(Number(text), MAM_MAX);
        break;
      case "after":
        if (!text) throw badRequest("after needs an id");
        rsm.after = text;
        break;
      case "before":
        rsm.before = text;
        break;
      case "index":
        throw new MamError("cancel", "feature-not-implemented", "paging by index is not supported");
      default:
        break;
    }
  }
  return rsm;
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * An XEP-0082 DateTime in milliseconds. Finer fractions round towards the
 * inside of the range (`ceil` for a start, `floor` for an end), so a bound
 * never takes in a message from outside it.
 */
export function parseDateTime(text: string, round: "ceil" | "floor"): number | undefined {
  const m = DATE_TIME.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const utc = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(utc);
  if (
    check.getUTCFullYear() !== y ||
    check.getUTCMonth() !== mo - 1 ||
    check.getUTCDate() !== d ||
    check.getUTCHours() !== h ||
    check.getUTCMinutes() !== mi ||
    check.getUTCSeconds() !== s
  )
    return undefined;
  const zone = m[8] as string;
  let offset = 0;
  if (zone !== "Z") {
    const oh = Number(zone.slice(1, 3));
    const om = Number(zone.slice(4, 6));
    if (oh > 23 || om > 59) return undefined;
    offset = (zone[0] === "-" ? -1 : 1) * (oh * 60 + om) * 60_000;
  }
  const digits = (m[7] ?? ".").slice(1);
  const finer = round === "ceil" && /[1-9]/.test(digits.slice(3)) ? 1 : 0;
  return utc - offset + Number(digits.slice(0, 3).padEnd(3, "0")) + finer;
}
