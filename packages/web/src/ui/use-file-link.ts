import { useEffect, useState } from "react";
import type { FileVariant } from "../stores/file-links.js";
import { useChat } from "../use-chat.js";

/** A signed link for one variant of a file, fetched once it is wanted. */
export function useFileLink(fileId: string, variant: FileVariant, wanted: boolean): string | undefined {
  const { session, files } = useChat();
  const [path, setPath] = useState<string | undefined>(undefined);
  useEffect(() => {
    if (!wanted || !session.token) return;
    let live = true;
    void files
      .link(fileId, variant)
      .then((p) => live && setPath(p))
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [fileId, variant, wanted, session, files]);
  return path;
}
