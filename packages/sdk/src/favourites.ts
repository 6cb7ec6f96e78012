import { create, type Message, MessageSchema, type Favourite as WireFavourite } from "@starling/protocol";

/**
 * A message the user saved (收藏), the same on all their devices. `message`
 * is read when the favourites are fetched: a recalled message has
 * `recalled` and no content; one the user may no longer read has only its
 * conversation id and seq.
 */
export interface Favourite {
  id: string;
  conversationId: string;
  seq: bigint;
  /** Milliseconds since the epoch. */
  savedAt: bigint;
  message: Message;
}

/** The `favouritesChanged` event: a favourite added or removed on another device. */
export interface FavouritesChange {
  added?: Favourite;
  removedId?: string;
}

export interface FavouritesQuery {
  /** The id of the last favourite of the previous page. */
  before?: string;
  /** At most 100. Default 50. */
  limit?: number;
}

export function toFavourite(f: WireFavourite): Favourite {
  return {
    id: f.id,
    conversationId: f.conversationId,
    seq: f.seq,
    savedAt: f.savedAt,
    message: f.message ?? create(MessageSchema, { conversationId: f.conversationId, seq: f.seq }),
  };
}
