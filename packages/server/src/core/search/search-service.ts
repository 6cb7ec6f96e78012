import {
  type Content,
  create,
  type Search,
  type SearchResults,
  SearchResultsSchema,
  SearchScope,
  MessageKind as WireKind,
} from "@starling/protocol";
import type { Directory } from "../directory/directory.js";
import { type NameKeys, nameReadings } from "../directory/pinyin.js";
import { invalid } from "../kernel/errors.js";
import { checkConversationId, completeUserId, domainOf } from "../kernel/ids.js";
import { toWireMessage } from "../messaging/content.js";
import type { Visibility } from "../messaging/visibility.js";
import type { MessageKind } from "./document.js";
import { snippet } from "./snippet.js";
import type { SearchReader } from "./store.js";
import { type QueryTerm, queryTerms } from "./tokens.js";

export const SEARCH_LIMITS = {
  queryMaxLength: 200,
  defaultLimit: 20,
  maxLimit: 50,
  /** Results of each other kind shown when searching everything at once. */
  perKindInAll: 5,
  /** A user's groups looked through by name. */
  maxGroups: 5000,
  /** People searches take this much of the query. */
  peopleQueryMax: 64,
  /** Group names whose pinyin readings are kept between searches. */
  keptGroupNames: 20_000,
} as const;

const KIND: Record<number, MessageKind | undefined> = {
  [WireKind.TEXT]: "text",
  [WireKind.IMAGE]: "image",
  [WireKind.FILE]: "file",
  [WireKind.VOICE]: "voice",
  [WireKind.VIDEO]: "video",
};

type Filters = {
  conversationId?: string;
  senderId?: string;
  since?: number;
  until?: number;
  kind?: MessageKind;
};

function cursorNumber(cursor: string): number {
  if (cursor === "") return 0;
  if (!/^\d{1,15}$/.test(cursor)) throw invalid("not a cursor from this search", "cursor");
  return Number(cursor);
}

/**
 * One search over people (the directory's index), the caller's groups (by
 * name, and pinyin and initials of every common reading), messages (the full-text index) and files (by name).
 * Messages and files come only from conversations the caller is a member of,
 * or was until they left (then only what was sent before); recalled
 * messages are out of the index. Files of one conversation can be listed
 * without a query, newest first: the chat's file list.
 */
export class SearchService {
  private readonly keysByName = new Map<string, NameKeys[]>();

  constructor(
    private readonly read: SearchReader,
    private readonly directory: Directory,
    private readonly visibility: Visibility,
  ) {}

  async search(userId: string, req: Search): Promise<SearchResults> {
    const query = req.query.trim();
    // One conversation's files need no words: that is the chat's file list, as history lists its messages.
    const listing = query.length === 0 && req.scope === SearchScope.FILES && req.conversationId !== "";
    if (query.length === 0 && !listing) throw invalid("query is empty", "query");
    if (query.length > SEARCH_LIMITS.queryMaxLength)
      throw invalid(`query is longer than ${SEARCH_LIMITS.queryMaxLength} characters`, "query");
    if (!(req.scope in SearchScope)) throw invalid("unknown scope", "scope");
    if (req.kind !== WireKind.UNSPECIFIED && !KIND[req.kind]) throw invalid("unknown kind", "kind");
    if (req.sinceTime < 0n || req.untilTime < 0n) throw invalid("times must not be negative", "since_time");
    const limit = Math.min(Math.max(req.limit || SEARCH_LIMITS.defaultLimit, 1), SEARCH_LIMITS.maxLimit);
    const all = req.scope === SearchScope.UNSPECIFIED;
    const few = all ? Math.min(limit, SEARCH_LIMITS.perKindInAll) : limit;
    const cursor = all ? 0 : cursorNumber(req.cursor);
    const filters: Filters = {
      ...(req.conversationId ? { conversationId: checkConversationId(req.conversationId) } : {}),
      ...(req.senderId ? { senderId: completeUserId(req.senderId, domainOf(userId), "sender_id") } : {}),
      ...(req.sinceTime > 0n ? { since: Number(req.sinceTime) } : {}),
      ...(req.untilTime > 0n ? { until: Number(req.untilTime) } : {}),
      ...(KIND[req.kind] ? { kind: KIND[req.kind] } : {}),
    };
    // A listing answers an outsider as history does (NOT_FOUND), not with an empty page that says nothing.
    if (listing) await this.visibility.require(userId, req.conversationId);
    const out = create(SearchResultsSchema, {});
    const want = (s: SearchScope) => all || req.scope === s;
    if (want(SearchScope.PEOPLE)) {
      const found = await this.directory.search(
        userId,
        query.slice(0, SEARCH_LIMITS.peopleQueryMax),
        few + cursor,
      );
      out.people = found.users.slice(cursor, cursor + few);
      if (!all && found.users.length >= cursor + few) out.nextCursor = String(cursor + few);
    }
    if (want(SearchScope.GROUPS)) {
      const groups = await this.groups(userId, query);
      out.groups = groups.slice(cursor, cursor + few);
      if (!all && groups.length > cursor + few) out.nextCursor = String(cursor + few);
    }
    if (want(SearchScope.MESSAGES)) {
      const { hits, next } = await this.messages(userId, query, filters, limit, cursor);
      out.messages = hits;
      if (!all) out.nextCursor = next;
    }
    if (want(SearchScope.FILES)) {
      const files = await this.files(userId, query, filters, few + 1, cursor);
      out.files = files.slice(0, few);
      if (!all && files.length > few) out.nextCursor = String(cursor + few);
    }
    return out;
  }

  private async groups(userId: string, query: string): Promise<SearchResults["groups"]> {
    const key = query.toLowerCase();
    const compact = key.replace(/[\s']+/g, "");
    const terms = queryTerms(query);
    const found: { hit: SearchResults["groups"][number]; rank: number }[] = [];
    for (const g of await this.read.groupsOf(userId, SEARCH_LIMITS.maxGroups)) {
      const name = g.name.toLowerCase();
      const readings = this.groupKeys(g.name);
      const rank = name.startsWith(key)
        ? 0
        : readings.some((r) => r.pinyin.startsWith(compact) || r.initials.startsWith(compact))
          ? 1
          : name.includes(key)
            ? 2
            : compact.length >= 2 && readings.some((r) => r.pinyin.includes(compact))
              ? 3
              : -1;
      if (rank < 0) continue;
      found.push({
        rank,
        hit: {
          $typeName: "starling.v1.GroupHit",
          conversationId: g.id,
          name: g.name,
          memberCount: g.memberCount,
          snippet: wireSnippet(g.name, terms),
        },
      });
    }
    found.sort((a, b) => a.rank - b.rank || a.hit.name.localeCompare(b.hit.name));
    return found.map((f) => f.hit);
  }

  /** Pinyin readings of a group name, kept: a user may be in thousands of groups and searches as they type. */
  private groupKeys(name: string): NameKeys[] {
    let keys = this.keysByName.get(name);
    if (!keys) {
      keys = nameReadings(name, false);
      if (this.keysByName.size >= SEARCH_LIMITS.keptGroupNames) this.keysByName.clear();
      this.keysByName.set(name, keys);
    }
    return keys;
  }

  private async messages(
    userId: string,
    query: string,
    filters: Filters,
    limit: number,
    beforeId: number,
  ): Promise<{ hits: SearchResults["messages"]; next: string }> {
    const terms = queryTerms(query);
    if (terms.length === 0) return { hits: [], next: "" };
    const found = await this.read.searchMessages({
      userId,
      terms,
      ...filters,
      ...(beforeId > 0 ? { beforeId } : {}),
      limit,
    });
    const rows = await Promise.all(found.map((h) => this.read.getMessage(h.conversationId, h.seq)));
    const hits: SearchResults["messages"] = [];
    for (const row of rows) {
      if (!row?.content || row.recalledBy) continue;
      const message = toWireMessage(row);
      const text = (message.content as Content).text;
      hits.push({ $typeName: "starling.v1.MessageHit", message, snippet: wireSnippet(text, terms) });
    }
    const last = found[found.length - 1];
    return { hits, next: found.length === limit && last ? String(last.id) : "" };
  }

  private async files(
    userId: string,
    query: string,
    filters: Filters,
    limit: number,
    offset: number,
  ): Promise<SearchResults["files"]> {
    const text = query.normalize("NFKC").toLowerCase();
    const found = await this.read.searchFiles({
      userId,
      domain: domainOf(userId),
      text,
      ...(filters.conversationId ? { conversationId: filters.conversationId } : {}),
      ...(filters.senderId ? { senderId: filters.senderId } : {}),
      ...(filters.since ? { since: filters.since } : {}),
      ...(filters.until ? { until: filters.until } : {}),
      offset,
      limit,
    });
    return found.map((h) => ({
      $typeName: "starling.v1.FileHit",
      fileId: h.file.id,
      name: h.file.name,
      size: BigInt(h.file.size),
      mime: h.file.mime,
      conversationId: h.conversationId,
      seq: BigInt(h.seq),
      uploader: h.file.uploader,
      time: BigInt(h.file.createdAt),
      snippet: wireSnippet(h.file.name, [{ kind: "phrase", tokens: [], surface: text }]),
    }));
  }
}

function wireSnippet(text: string, terms: readonly QueryTerm[]) {
  const s = snippet(text, terms);
  return {
    $typeName: "starling.v1.Snippet" as const,
    text: s.text,
    highlights: s.highlights.map((h) => ({ $typeName: "starling.v1.Highlight" as const, ...h })),
  };
}
