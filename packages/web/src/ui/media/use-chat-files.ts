import { type FileHit, SearchScope } from "@starling/sdk";
import { useCallback, useEffect, useRef, useState } from "react";
import { useChat } from "../../use-chat.js";

/** Files per page of a chat's file list. */
const PAGE = 20;

export interface ChatFiles {
  files: FileHit[];
  loading: boolean;
  /** Whether the server has more after the last page. */
  more: boolean;
  error: string;
  loadMore(): void;
}

/**
 * A chat's files and pictures, newest shared first, a page at a time: the
 * server's files search with no query in one conversation, which lists by
 * the same read rule as history. `lastFileSeq`, the newest loaded message
 * with a file, reloads the list when it moves.
 */
export function useChatFiles(conversationId: string, lastFileSeq: bigint | undefined): ChatFiles {
  const { session } = useChat();
  const [files, setFiles] = useState<FileHit[]>([]);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState("");
  const cursor = useRef<string | undefined>("");
  const busy = useRef(false);
  // A reload outdates the pages asked for before it.
  const generation = useRef(0);

  const load = useCallback(
    (reset: boolean) => {
      const client = session.client;
      if (!client || (busy.current && !reset)) return;
      if (reset) {
        cursor.current = "";
        generation.current++;
      }
      const from = cursor.current;
      if (from === undefined) return;
      const ask = generation.current;
      busy.current = true;
      setLoading(true);
      client
        .search("", { scope: SearchScope.FILES, conversationId, limit: PAGE, cursor: from })
        .then(
          (r) => {
            if (ask !== generation.current) return;
            cursor.current = r.nextCursor || undefined;
            setFiles((old) => (from === "" ? r.files : [...old, ...r.files]));
            setError("");
          },
          (err: unknown) => {
            if (ask === generation.current) setError(err instanceof Error ? err.message : String(err));
          },
        )
        .finally(() => {
          if (ask !== generation.current) return;
          busy.current = false;
          setLoading(false);
        });
    },
    [session, conversationId],
  );

  // A file shared while the list is open reloads it from the newest.
  // biome-ignore lint/correctness/useExhaustiveDependencies: lastFileSeq is the reason to reload
  useEffect(() => load(true), [load, lastFileSeq]);
  return { files, loading, more: cursor.current !== undefined, error, loadMore: () => load(false) };
}
