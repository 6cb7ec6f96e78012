import {
  type FileHit,
  type GroupHit,
  type MessageHit,
  MessageKind,
  type SearchOptions,
  SearchScope,
  type UserCard,
} from "@starling/sdk";
import { useCallback, useEffect, useRef, useState } from "react";
import { useChat } from "../../use-chat.js";

/** How long typing must pause before a search starts. */
export const SEARCH_DEBOUNCE_MS = 250;
/** People, groups and files shown for a query. */
const FEW = 5;
/** Messages per page. */
const PAGE = 20;
/** The server's longest query. */
export const QUERY_MAX = 200;

export type KindFilter = "all" | "text" | "images" | "files";

const KINDS: Record<KindFilter, MessageKind> = {
  all: MessageKind.UNSPECIFIED,
  text: MessageKind.TEXT,
  images: MessageKind.IMAGE,
  files: MessageKind.FILE,
};

/** What was found for one query. */
export interface Found {
  query: string;
  kind: KindFilter;
  people: UserCard[];
  groups: GroupHit[];
  messages: MessageHit[];
  files: FileHit[];
  /** Where the next page of messages starts; empty when there is none. */
  cursor: string;
}

export interface SearchState {
  /** The results shown: always those of the latest query asked. */
  found: Found | undefined;
  searching: boolean;
  loadingMore: boolean;
  error: string;
}

const IDLE: SearchState = { found: undefined, searching: false, loadingMore: false, error: "" };

function filters(kind: KindFilter): SearchOptions {
  return kind === "all" ? {} : { kind: KINDS[kind] };
}

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Searching as the user types: `type` waits for a pause, `now` searches at
 * once, `clear` forgets the query. Only the latest query's answer is ever
 * shown; answers to earlier ones that arrive late are dropped.
 */
export function useSearch() {
  const { session } = useChat();
  const [state, setState] = useState<SearchState>(IDLE);
  const generation = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const cancelPending = useCallback(() => {
    clearTimeout(timer.current);
    timer.current = undefined;
  }, []);

  const now = useCallback(
    (text: string, kind: KindFilter) => {
      cancelPending();
      const ask = ++generation.current;
      const query = text.trim().slice(0, QUERY_MAX);
      const client = session.client;
      if (!query || !client) {
        setState(IDLE);
        return;
      }
      setState((s) => ({ ...s, searching: true, loadingMore: false, error: "" }));
      const options = filters(kind);
      Promise.all([
        client.search(query, { ...options, limit: FEW }),
        client.search(query, { ...options, scope: SearchScope.MESSAGES, limit: PAGE }),
      ]).then(
        ([everything, messages]) => {
          if (ask !== generation.current) return;
          setState({
            found: {
              query,
              kind,
              people: everything.people.filter((p) => p.id !== session.userId),
              groups: everything.groups,
              messages: messages.messages,
              files: everything.files,
              cursor: messages.nextCursor,
            },
            searching: false,
            loadingMore: false,
            error: "",
          });
        },
        (err: unknown) => {
          if (ask !== generation.current) return;
          setState({ found: undefined, searching: false, loadingMore: false, error: reason(err) });
        },
      );
    },
    [cancelPending, session],
  );

  const type = useCallback(
    (text: string, kind: KindFilter) => {
      cancelPending();
      timer.current = setTimeout(() => now(text, kind), SEARCH_DEBOUNCE_MS);
    },
    [cancelPending, now],
  );

  const clear = useCallback(() => {
    cancelPending();
    generation.current++;
    setState(IDLE);
  }, [cancelPending]);

  const more = useCallback(() => {
    const found = state.found;
    const client = session.client;
    if (!found?.cursor || !client || state.loadingMore) return;
    const ask = generation.current;
    setState((s) => ({ ...s, loadingMore: true, error: "" }));
    const options = {
      ...filters(found.kind),
      scope: SearchScope.MESSAGES,
      limit: PAGE,
      cursor: found.cursor,
    };
    client.search(found.query, options).then(
      (page) => {
        if (ask !== generation.current) return;
        setState((s) => {
          if (!s.found) return s;
          const seen = new Set(s.found.messages.map((h) => `${h.message?.conversationId}#${h.message?.seq}`));
          const fresh = page.messages.filter(
            (h) => !seen.has(`${h.message?.conversationId}#${h.message?.seq}`),
          );
          const messages = [...s.found.messages, ...fresh];
          return { ...s, loadingMore: false, found: { ...s.found, messages, cursor: page.nextCursor } };
        });
      },
      (err: unknown) => {
        if (ask !== generation.current) return;
        setState((s) => ({ ...s, loadingMore: false, error: reason(err) }));
      },
    );
  }, [state.found, state.loadingMore, session]);

  useEffect(
    () => () => {
      cancelPending();
      generation.current++;
    },
    [cancelPending],
  );

  return { ...state, type, now, clear, more };
}
