import type { Message } from "@starling/protocol";
import { isDirectId } from "../kernel/ids.js";
import type { MessageRecord } from "../kernel/records.js";
import type { MessagingReader } from "./store.js";
import type { Visibility } from "./visibility.js";

/**
 * A message's place in an archive (XEP-0313 section 4.2: chronological):
 * server time, then conversation, then seq. Within one conversation this is
 * seq order, since server times rise with seq.
 */
export interface Position {
  time: number;
  conversationId: string;
  seq: number;
}

export function comparePositions(a: Position, b: Position): number {
  if (a.time !== b.time) return a.time - b.time;
  if (a.conversationId !== b.conversationId) return a.conversationId < b.conversationId ? -1 : 1;
  return a.seq - b.seq;
}

/** The lower bound (exclusive) that keeps messages stored at or after `time`. */
export const fromTime = (time: number): Position => ({ time, conversationId: "", seq: 0 });
/** The upper bound (exclusive) that keeps messages stored at or before `time`. */
export const untilTime = (time: number): Position => ({ time: time + 1, conversationId: "", seq: 0 });

/** A conversation an archive reads, up to the last seq the reader may see. */
export interface ArchiveSource {
  conversationId: string;
  lastSeq: number;
  /** The server time of the message at lastSeq, when known: a time bound past it skips the search. */
  lastTime?: number;
}

export interface PageQuery {
  sources: readonly ArchiveSource[];
  /** Only messages after this position. */
  after?: Position | undefined;
  /** Only messages before this position. */
  before?: Position | undefined;
  /** The page next to `before` (RSM `<before/>`, XEP-0059 section 2.5) instead of the one after `after`. */
  backwards: boolean;
  max: number;
  /** The archive item a stored message is, or undefined when it is not one (events, filtered out). */
  item(row: MessageRecord): Message | undefined;
}

export interface Page {
  /** In chronological order. */
  items: Message[];
  /** True when no item matching the query lies beyond the page in its direction. */
  complete: boolean;
}

/**
 * Stored rows read per query at most: a filter that matches little (a rare
 * sender in a busy room) ends the page early, marked incomplete, rather than
 * reading a whole history in one request.
 */
export const MAX_ROWS_READ = 10_000;
/** Largest read of one conversation at a time. */
const MAX_CHUNK = 256;
/** Conversations searched or read at the same time. */
const PARALLEL = 8;

class ReadBudgetSpent extends Error {}

/**
 * Reads one page of an archive made of one or more conversations: each is
 * read by seq range from where the bound falls in it (found by time, over
 * the primary key), and the conversations are merged by position.
 */
export async function readPage(read: MessagingReader, q: PageQuery): Promise<Page> {
  const budget = { rows: MAX_ROWS_READ };
  const ranges = await mapParallel(q.sources, (s) => rangeOf(read, s, q));
  const live = q.sources.flatMap((s, i) => {
    const r = ranges[i];
    return r ? [{ source: s, range: r }] : [];
  });
  // Many conversations start with small reads: most give a page few items.
  const chunk = Math.max(2, Math.min(q.max + 2, Math.ceil((q.max + 1) / Math.max(live.length, 1)) + 1));
  const cursors = live.map((l) => new Cursor(read, l.source.conversationId, l.range, q, chunk, budget));
  const out: Message[] = [];
  let spent = false;
  try {
    await mapParallel(cursors, (c) => c.head());
    let open = cursors;
    while (out.length <= q.max) {
      let best: Cursor | undefined;
      let bestAt: Position | undefined;
      const still: Cursor[] = [];
      for (const c of open) {
        const h = await c.head();
        if (!h) continue;
        still.push(c);
        const at = positionOf(h);
        const cmp = bestAt ? comparePositions(at, bestAt) : 0;
        if (!best || (q.backwards ? cmp > 0 : cmp < 0)) {
          best = c;
          bestAt = at;
        }
      }
      open = still;
      if (!best) break;
      out.push(best.take());
    }
  } catch (err) {
    if (!(err instanceof ReadBudgetSpent)) throw err;
    spent = true;
  }
  const complete = !spent && out.length <= q.max;
  const items = out.slice(0, q.max);
  if (q.backwards) items.reverse();
  return { items, complete };
}

export function positionOf(m: Pick<Message, "serverTime" | "conversationId" | "seq">): Position {
  return { time: Number(m.serverTime), conversationId: m.conversationId, seq: Number(m.seq) };
}

/**
 * The seqs (exclusive at both ends) of a conversation that can hold the
 * page, or undefined when none can. The bound the page starts from is found
 * by searching; the far bound is checked while reading.
 */
async function rangeOf(
  read: MessagingReader,
  s: ArchiveSource,
  q: PageQuery,
): Promise<{ after: number; before: number } | undefined> {
  let after = 0;
  let before = s.lastSeq + 1;
  const { after: low, before: high } = q;
  if (low) {
    if (low.conversationId === s.conversationId) after = Math.max(after, low.seq);
    else {
      // At the bound's time, conversations that sort after the bound's own come after it.
      const time = s.conversationId > low.conversationId ? low.time : low.time + 1;
      if (s.lastTime !== undefined && s.lastTime < time) return undefined;
      if (!q.backwards) after = (await read.firstSeqAtTime(s.conversationId, time, after, before)) - 1;
    }
  }
  if (high) {
    if (high.conversationId === s.conversationId) before = Math.min(before, high.seq);
    else if (q.backwards) {
      const time = s.conversationId < high.conversationId ? high.time + 1 : high.time;
      if (s.lastTime === undefined || s.lastTime >= time)
        before = await read.firstSeqAtTime(s.conversationId, time, after, before);
    }
  }
  return after + 1 < before ? { after, before } : undefined;
}

/** Reads one conversation's items in the page's direction, a chunk at a time. */
class Cursor {
  private buffer: Message[] = [];
  private next = 0;
  private done = false;

  constructor(
    private readonly read: MessagingReader,
    private readonly conversationId: string,
    private readonly range: { after: number; before: number },
    private readonly q: PageQuery,
    private chunk: number,
    private readonly budget: { rows: number },
  ) {}

  /** The next item, or undefined when the conversation has no more for this page. */
  async head(): Promise<Message | undefined> {
    while (this.next >= this.buffer.length && !this.done) await this.fill();
    return this.buffer[this.next];
  }

  take(): Message {
    return this.buffer[this.next++] as Message;
  }

  private async fill(): Promise<void> {
    if (this.budget.rows <= 0) throw new ReadBudgetSpent();
    const { after, before } = this.range;
    const limit = Math.min(this.chunk, this.budget.rows);
    const rows = await this.read.getMessages(this.conversationId, after, before, limit, this.q.backwards);
    this.budget.rows -= rows.length;
    this.chunk = Math.min(this.chunk * 2, MAX_CHUNK);
    this.buffer = [];
    this.next = 0;
    if (rows.length < limit) this.done = true;
    const last = rows[rows.length - 1];
    if (last) {
      if (this.q.backwards) this.range.before = last.seq;
      else this.range.after = last.seq;
    }
    for (const row of rows) {
      const at = { time: row.serverTime, conversationId: this.conversationId, seq: row.seq };
      // The far bound ends the reading. The near one was searched for; it is
      // checked again for times taken on different nodes a little out of order.
      if (this.q.backwards ? this.below(at) : this.above(at)) {
        this.done = true;
        break;
      }
      if (this.q.backwards ? this.above(at) : this.below(at)) continue;
      const item = this.q.item(row);
      if (item) this.buffer.push(item);
    }
  }

  /** At or before the lower bound, when it lies in another conversation (within one, the seq range holds it). */
  private below(at: Position): boolean {
    const low = this.q.after;
    return !!low && low.conversationId !== this.conversationId && comparePositions(at, low) <= 0;
  }

  /** At or past the upper bound, when it lies in another conversation. */
  private above(at: Position): boolean {
    const high = this.q.before;
    return !!high && high.conversationId !== this.conversationId && comparePositions(at, high) >= 0;
  }
}

/** Runs `fn` over `items`, a few at a time, keeping the order of results. */
async function mapParallel<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let i = 0;
  const worker = async () => {
    while (i < items.length) {
      const at = i++;
      out[at] = await fn(items[at] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, worker));
  return out;
}

/**
 * Which archive a query reads: a room's, one 1:1 chat of the user's, or the
 * user's own (their 1:1 chats with the most recent messages merged).
 */
export type ArchiveScope = { room: string } | { direct: string } | { user: true };

/** The user archive merges at most this many 1:1 conversations, those with the most recent messages. */
export const USER_ARCHIVE_CONVERSATIONS = 200;

/** Archive queries (what XMPP MAM serves), each bounded by the read rule. */
export class ArchivePages {
  constructor(
    private readonly read: MessagingReader,
    private readonly visibility: Visibility,
  ) {}

  /** The last seq of `conversationId` the user may read in this archive, or undefined when it is not part of it. */
  async upTo(userId: string, scope: ArchiveScope, conversationId: string): Promise<number | undefined> {
    if ("room" in scope ? conversationId !== scope.room : !isDirectId(conversationId)) return undefined;
    return this.visibility.upTo(userId, conversationId);
  }

  /** The stored message at `seq` if it is in this archive and the user may read it. */
  async message(
    userId: string,
    scope: ArchiveScope,
    conversationId: string,
    seq: number,
  ): Promise<MessageRecord | undefined> {
    const upTo = await this.upTo(userId, scope, conversationId);
    return upTo !== undefined && seq <= upTo ? this.read.getMessage(conversationId, seq) : undefined;
  }

  /** The conversations the archive reads, each up to what the user may see. */
  async sources(userId: string, scope: ArchiveScope): Promise<ArchiveSource[]> {
    if ("room" in scope)
      return [{ conversationId: scope.room, lastSeq: (await this.upTo(userId, scope, scope.room)) ?? 0 }];
    if ("direct" in scope) {
      const lastSeq = await this.upTo(userId, scope, scope.direct);
      return lastSeq === undefined ? [] : [{ conversationId: scope.direct, lastSeq }];
    }
    // The user's own 1:1 chats, of which they are always active members.
    return this.read.recentDirectConversations(userId, USER_ARCHIVE_CONVERSATIONS);
  }

  /** One page of the archive. */
  async page(userId: string, scope: ArchiveScope, q: Omit<PageQuery, "sources">): Promise<Page> {
    return readPage(this.read, { ...q, sources: await this.sources(userId, scope) });
  }
}
