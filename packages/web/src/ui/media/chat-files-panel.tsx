import type { FileHit } from "@starling/sdk";
import { lazy, Suspense, useEffect, useId, useRef, useState } from "react";
import { type Strings, useStrings } from "../../i18n.js";
import { useChat } from "../../use-chat.js";
import { fileSize } from "../format.js";
import { useFileLink } from "../use-file-link.js";
import type { ViewerImage } from "./image-viewer.js";
import { useChatFiles } from "./use-chat-files.js";
import "./media.css";

const ImageViewer = lazy(() => import("./image-viewer.js"));

/** Scrolled this close to the end, the next page loads. */
const NEAR_END_PX = 120;

const isImage = (f: FileHit) => f.mime.startsWith("image/");

/**
 * A chat's files and pictures (the chat's "Files" tab): newest first, each
 * with its name, size, who shared it and when, a thumbnail for pictures
 * (which opens the viewer over the list's pictures), a download and a way
 * to the message that shared it. Scrolling to the end loads the next page.
 */
export function ChatFilesPanel(props: {
  conversationId: string;
  /** The newest loaded message with a file: the list reloads when one arrives. */
  lastFileSeq: bigint | undefined;
  onJump(seq: bigint): void;
  onClose(): void;
}) {
  const { t } = useStrings();
  const { files, loading, more, error, loadMore } = useChatFiles(props.conversationId, props.lastFileSeq);
  const titleId = useId();
  const closeButton = useRef<HTMLButtonElement>(null);
  const [viewing, setViewing] = useState<{ start: ViewerImage; opener: HTMLElement | null } | undefined>();
  useEffect(() => closeButton.current?.focus(), []);
  // Oldest first, as the chat shows them: "next" is the later picture here too.
  const images = files
    .filter(isImage)
    .map((f) => ({ fileId: f.fileId, name: f.name }))
    .reverse();

  return (
    <aside
      className="chat-files"
      aria-labelledby={titleId}
      onKeyDown={(e) => {
        if (e.key === "Escape" && !viewing) {
          // Closes this only; the chat stays open (see ChatView).
          e.preventDefault();
          e.stopPropagation();
          props.onClose();
        }
      }}
    >
      <header>
        <h3 id={titleId}>{t.chatFilesTitle}</h3>
        <button ref={closeButton} type="button" className="link" onClick={props.onClose}>
          {t.close}
        </button>
      </header>
      <ul
        aria-label={t.chatFiles}
        onScroll={(e) => {
          const el = e.currentTarget;
          if (more && !loading && el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_END_PX) loadMore();
        }}
      >
        {files.map((f) => (
          <FileRow
            key={`${f.fileId}#${f.seq}`}
            f={f}
            t={t}
            onView={(opener) => setViewing({ start: { fileId: f.fileId, name: f.name }, opener })}
            onJump={() => props.onJump(f.seq)}
          />
        ))}
      </ul>
      {loading && (
        <p className="hint" role="status">
          {t.chatFilesLoading}
        </p>
      )}
      {!loading && !error && files.length === 0 && <p className="hint">{t.chatFilesEmpty}</p>}
      {error && (
        <p role="alert" className="error">
          {t.chatFilesFailed}
          {error}
        </p>
      )}
      {more && !loading && (
        <button type="button" className="link" onClick={loadMore}>
          {t.chatFilesMore}
        </button>
      )}
      {viewing && (
        <Suspense fallback={null}>
          <ImageViewer
            conversationId={props.conversationId}
            start={viewing.start}
            images={images}
            onClose={() => {
              viewing.opener?.focus();
              setViewing(undefined);
            }}
          />
        </Suspense>
      )}
    </aside>
  );
}

function FileRow(props: { f: FileHit; t: Strings; onView(opener: HTMLElement): void; onJump(): void }) {
  const { f, t } = props;
  const { session, people } = useChat("people");
  const { lang } = useStrings();
  const image = isImage(f);
  const [noThumb, setNoThumb] = useState(false);
  const thumb = useFileLink(f.fileId, noThumb ? "content" : "thumbnail", image);
  const href = useFileLink(f.fileId, "content", true);
  const sender = f.uploader === session.userId ? t.you : people.displayName(f.uploader);
  const date = new Date(Number(f.time)).toLocaleDateString(lang === "zh" ? "zh-CN" : "en", {
    year: "numeric",
    month: "short",
    day: "numeric",
  });
  return (
    <li className="chat-file" data-testid="chat-file" data-seq={String(f.seq)}>
      {image ? (
        <button
          type="button"
          className="chat-file-icon"
          aria-label={`${t.openImage}: ${f.name}`}
          onClick={(e) => props.onView(e.currentTarget)}
        >
          {thumb && <img src={thumb} alt={f.name} onError={() => setNoThumb(true)} />}
        </button>
      ) : (
        <span className="chat-file-icon" aria-hidden="true">
          {(f.name.split(".").pop() ?? "").slice(0, 4).toUpperCase()}
        </span>
      )}
      <span className="chat-file-name">{f.name}</span>
      <span className="hint chat-file-meta">
        {fileSize(f.size)} · {sender} · <time dateTime={new Date(Number(f.time)).toISOString()}>{date}</time>
      </span>
      <span className="chat-file-actions">
        <a className="link" href={href} download={f.name} aria-label={`${t.download}: ${f.name}`}>
          {t.download}
        </a>
        <button
          type="button"
          className="link"
          onClick={props.onJump}
          aria-label={`${t.chatFilesShow}: ${f.name}`}
        >
          {t.chatFilesShow}
        </button>
      </span>
    </li>
  );
}
