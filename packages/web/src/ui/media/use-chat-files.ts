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
 * the same read rule as history.
 */
export function useChatFiles(conversationId: string): ChatFiles {
  const { session } = useChat();
  const [files, setFiles] = useState<FileHit[]>([]);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState("");
  const cursor = useRef<string | undefined>("");
  const busy = useRef(false);

  const load = useCallback(
    (reset: boolean) => {
      const client = session.client;
      if (reset) cursor.current = "";
      const from = cursor.current;
      if (!client || from === undefined || busy.current) return;
      busy.current = true;
      setLoading(true);
      client
        .search("", { scope: SearchScope.FILES, conversationId, limit: PAGE, cursor: from })
        .then(
          (r) => {
            cursor.current = r.nextCursor || undefined;
            setFiles((old) => (from === "" ? r.files : [...old, ...r.files]));
            setError("");
          },
          (err: unknown) => setError(err instanceof Error ? err.message : String(err)),
        )
        .finally(() => {
          busy.current = false;
          setLoading(false);
        });
    },
    [session, conversationId],
  );

  useEffect(() => load(true), [load]);
  return { files, loading, more: cursor.current !== undefined, error, loadMore: () => load(false) };
}
