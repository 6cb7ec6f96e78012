import { useRef, useState } from "react";
import { uploadFile } from "../uploads.js";
import { useChat } from "../use-chat.js";

export interface FileSender {
  progress: { name: string; fraction: number } | undefined;
  error: string;
  sendFiles(files: readonly File[]): Promise<void>;
  cancel(): void;
}

/** Uploads files one after another, each sent as a message of its own, with progress and a cancel. */
export function useFileSender(conversationId: string, failedPrefix: string): FileSender {
  const [progress, setProgress] = useState<FileSender["progress"]>(undefined);
  const [error, setError] = useState("");
  const abort = useRef<AbortController | undefined>(undefined);
  const { session, windows } = useChat();

  const sendFiles = async (files: readonly File[]) => {
    const token = session.token;
    if (!token) return;
    setError("");
    for (const file of files) {
      abort.current = new AbortController();
      setProgress({ name: file.name, fraction: 0 });
      try {
        const up = await uploadFile(
          file,
          token,
          (fraction) => setProgress({ name: file.name, fraction }),
          abort.current.signal,
        );
        await windows.send(conversationId, "", { attachments: [{ fileId: up.id }] });
      } catch (err) {
        setError(`${failedPrefix}${(err as Error).message}`);
        break;
      } finally {
        setProgress(undefined);
      }
    }
  };
  return { progress, error, sendFiles, cancel: () => abort.current?.abort() };
}
