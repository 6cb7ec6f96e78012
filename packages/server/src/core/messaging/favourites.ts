import {
  create,
  type Favourite,
  type FavouriteList,
  FavouriteListSchema,
  FavouriteSchema,
  type Message,
} from "@starling/protocol";
import { ErrorCode, invalid, notFound, StarlingError } from "../kernel/errors.js";
import { MESSAGE_MARK_LIMITS } from "../kernel/limits.js";
import type { Bus, Clock, Random } from "../kernel/ports.js";
import type { FavouriteRecord } from "../kernel/records.js";
import { toWireMessage } from "./content.js";
import { pushFrame } from "./push.js";
import type { MarkStore } from "./store.js";
import type { Visibility } from "./visibility.js";

/** Digits of the time part of a favourite id: base 36 of a millisecond time fits 9 until the year 5188. */
const TIME_DIGITS = 9;
const ID_PATTERN = new RegExp(`^[0-9a-z]{${TIME_DIGITS}}[0-9a-f]{16}$`);

/**
 * Favourites (收藏): messages a user saved, the same on all their devices.
 * Only what the read rule lets the user read may be saved, and the message
 * is read again whenever the favourites are listed, under the read rule of
 * that moment: a recalled message comes back as its tombstone, never its
 * text. Changes are pushed to the user's other sessions.
 */
export class Favourites {
  constructor(
    private readonly store: MarkStore,
    private readonly bus: Bus,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly visibility: Visibility,
  ) {}

  async add(userId: string, conversationId: string, seq: number, sessionId?: string): Promise<Favourite> {
    if (!Number.isSafeInteger(seq) || seq <= 0) throw invalid("seq must be positive", "seq");
    const { upTo } = await this.visibility.require(userId, conversationId);
    const target = seq <= upTo ? await this.store.read.getMessage(conversationId, seq) : undefined;
    if (!target) throw notFound("no such message");
    if (target.event) throw invalid("events cannot be saved", "seq");
    if (target.recalledBy) throw new StarlingError(ErrorCode.CONFLICT, "the message was recalled");
    const savedAt = this.clock.now();
    const fresh: FavouriteRecord = { id: this.newId(savedAt), userId, conversationId, seq, savedAt };
    const { record, added } = await this.store.transaction(async (tx) => {
      const existing = await tx.findFavourite(userId, conversationId, seq);
      if (existing) return { record: existing, added: false };
      const max = MESSAGE_MARK_LIMITS.favouritesPerUser;
      if ((await tx.countFavourites(userId)) >= max)
        throw new StarlingError(ErrorCode.CONFLICT, `at most ${max} favourites; remove some first`, {
          details: { limit: String(max) },
        });
      if (await tx.insertFavourite(fresh)) return { record: fresh, added: true };
      // Saved at the same moment elsewhere: that one stands.
      const other = await tx.findFavourite(userId, conversationId, seq);
      if (!other) throw new StarlingError(ErrorCode.CONFLICT, "the favourite changed meanwhile; try again");
      return { record: other, added: false };
    });
    const out = toWire(record, toWireMessage(target));
    if (added)
      this.bus.publish([userId], pushFrame({ case: "favouritesChanged", value: { added: out } }), sessionId);
    return out;
  }

  async remove(userId: string, id: string, sessionId?: string): Promise<void> {
    if (!ID_PATTERN.test(id)) throw invalid("not a favourite id", "id");
    if (!(await this.store.transaction((tx) => tx.deleteFavourite(userId, id))))
      throw notFound("no such favourite");
    this.bus.publish([userId], pushFrame({ case: "favouritesChanged", value: { removedId: id } }), sessionId);
  }

  /** Newest first; `before` is the id of the last favourite of the previous page. */
  async list(userId: string, before: string, limitIn: number): Promise<FavouriteList> {
    if (before !== "" && !ID_PATTERN.test(before)) throw invalid("before must be a favourite id", "before");
    const limit = Math.min(
      Math.max(limitIn || MESSAGE_MARK_LIMITS.favouritesPageDefault, 1),
      MESSAGE_MARK_LIMITS.favouritesPageMax,
    );
    const rows = await this.store.read.listFavourites(userId, before, limit + 1);
    const page = rows.slice(0, limit);
    const upTo = new Map<string, number | undefined>();
    const favourites: Favourite[] = [];
    for (const f of page) {
      if (!upTo.has(f.conversationId))
        upTo.set(f.conversationId, await this.visibility.upTo(userId, f.conversationId));
      const bound = upTo.get(f.conversationId);
      const row =
        bound !== undefined && f.seq <= bound
          ? await this.store.read.getMessage(f.conversationId, f.seq)
          : undefined;
      favourites.push(toWire(f, row ? toWireMessage(row) : undefined));
    }
    return create(FavouriteListSchema, { favourites, hasMore: rows.length > limit });
  }

  /** Sorts by time as text, so the newest first is simply id descending, whatever the store. */
  private newId(at: number): string {
    const time = at.toString(36).padStart(TIME_DIGITS, "0");
    return time + Buffer.from(this.random.bytes(8)).toString("hex");
  }
}

function toWire(f: FavouriteRecord, message: Message | undefined): Favourite {
  return create(FavouriteSchema, {
    id: f.id,
    conversationId: f.conversationId,
    seq: BigInt(f.seq),
    savedAt: BigInt(f.savedAt),
    ...(message ? { message } : {}),
  });
}
