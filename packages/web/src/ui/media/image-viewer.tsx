import { AttachmentKind, type Message } from "@starling/sdk";
import { type KeyboardEvent, useEffect, useMemo, useRef, useState } from "react";
import { createPortal } from "react-dom";
import { useStrings } from "../../i18n.js";
import { useChat } from "../../use-chat.js";
import { useFileLink } from "../use-file-link.js";
import { useZoom } from "./use-zoom.js";
import "./media.css";

export interface ViewerImage {
  fileId: string;
  name: string;
}

/** The chat's pictures as loaded, oldest first; the one opened is always among them. */
export function gallery(messages: readonly Message[], start: ViewerImage): ViewerImage[] {
  const all: ViewerImage[] = [];
  for (const m of messages) {
    if (m.recalled || !m.content) continue;
    for (const a of m.content.attachments)
      if (a.kind === AttachmentKind.IMAGE) all.push({ fileId: a.fileId, name: a.name });
  }
  return all.some((i) => i.fileId === start.fileId) ? all : [start];
}

/** A horizontal drag longer than this, at normal size, goes to the next or previous picture. */
const SWIPE_PX = 60;

/**
 * A chat's pictures, large, in a modal dialog: zoom by the buttons, the
 * wheel, a pinch or + - 0; drag to pan when zoomed; the arrows, a swipe or
 * the side buttons for the previous and next picture. Escape, the close
 * button or a click beside the picture closes it; the modal dialog keeps
 * focus inside, and the opener takes it back (its onClose). It is loaded
 * only when a picture is first opened.
 */
export default function ImageViewer(props: {
  conversationId: string;
  start: ViewerImage;
  /** The pictures to step through; the chat's loaded ones when not given. */
  images?: readonly ViewerImage[];
  onClose(): void;
}) {
  const { t } = useStrings();
  const { windows } = useChat("windows");
  const ref = useRef<HTMLDialogElement>(null);
  const stage = useRef<HTMLDivElement>(null);
  const messages = windows.messages(props.conversationId);
  const given = props.images;
  const images = useMemo(
    () => (given?.some((i) => i.fileId === props.start.fileId) ? given : gallery(messages, props.start)),
    [given, messages, props.start],
  );
  const [fileId, setFileId] = useState(props.start.fileId);
  const index = Math.max(
    0,
    images.findIndex((i) => i.fileId === fileId),
  );
  const current = images[index] ?? props.start;
  const step = (by: number) => {
    const next = images[index + by];
    if (!next) return;
    setFileId(next.fileId);
    // Each picture starts at its normal size.
    zoom.reset();
  };
  const zoom = useZoom(stage, { onSwipe: (dx) => Math.abs(dx) > SWIPE_PX && step(dx < 0 ? 1 : -1) });

  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);

  // Closed first, so the page is no longer inert when the opener takes focus back.
  const close = () => {
    ref.current?.close();
    props.onClose();
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.target instanceof HTMLInputElement) return;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    let act: (() => void) | undefined;
    switch (e.key) {
      case "+":
      case "=":
        act = zoom.zoomIn;
        break;
      case "-":
        act = zoom.zoomOut;
        break;
      case "0":
        act = zoom.reset;
        break;
      case "ArrowLeft":
        act = () => step(-1);
        break;
      case "ArrowRight":
        act = () => step(1);
        break;
    }
    if (act) {
      e.preventDefault();
      act();
    }
  };
  const position = t.viewerPosition
    .replace("{n}", String(index + 1))
    .replace("{total}", String(images.length));
  // In the body, not inside the message list, whose live region would read the viewer out.
  return createPortal(
    <dialog
      ref={ref}
      className="image-viewer lightbox"
      aria-label={current.name}
      onKeyDown={onKey}
      onClick={(e) => {
        // A click on the stage around the picture closes, as a click outside a dialog does.
        if (e.target === stage.current && !zoom.dragged()) close();
      }}
      onCancel={(e) => {
        e.preventDefault();
        close();
      }}
    >
      <div className="viewer-bar">
        <span className="viewer-name">{current.name}</span>
        <span className="hint" aria-live="polite">
          {images.length > 1 ? position : ""}
        </span>
        <span className="viewer-tools">
          <button type="button" onClick={zoom.zoomOut} aria-label={t.viewerZoomOut} title={t.viewerZoomOut}>
            −
          </button>
          <output className="viewer-scale" aria-live="polite">
            {Math.round(zoom.state.scale * 100)}%
          </output>
          <button type="button" onClick={zoom.zoomIn} aria-label={t.viewerZoomIn} title={t.viewerZoomIn}>
            +
          </button>
          <button
            type="button"
            onClick={zoom.reset}
            aria-label={`1:1 ${t.viewerZoomReset}`}
            title={t.viewerZoomReset}
          >
            1:1
          </button>
          <DownloadLink image={current} label={t.download} />
          <button type="button" onClick={close}>
            {t.close}
          </button>
        </span>
      </div>
      <div ref={stage} className="viewer-stage" data-testid="viewer-stage">
        <Picture key={current.fileId} image={current} transform={zoom.transform} loading={t.viewerLoading} />
      </div>
      {index > 0 && (
        <button
          type="button"
          className="viewer-step previous"
          onClick={() => step(-1)}
          aria-label={t.viewerPrevious}
        >
          ‹
        </button>
      )}
      {index < images.length - 1 && (
        <button type="button" className="viewer-step next" onClick={() => step(1)} aria-label={t.viewerNext}>
          ›
        </button>
      )}
    </dialog>,
    document.body,
  );
}

/** One picture at full size; its own component so a new one never shows the last one's link. */
function Picture(props: { image: ViewerImage; transform: string; loading: string }) {
  const src = useFileLink(props.image.fileId, "content", true);
  if (!src)
    return (
      <p className="hint" role="status">
        {props.loading}
      </p>
    );
  return (
    <img
      src={src}
      alt={props.image.name}
      draggable={false}
      style={{ transform: props.transform }}
      data-testid="viewer-image"
    />
  );
}

function DownloadLink(props: { image: ViewerImage; label: string }) {
  const href = useFileLink(props.image.fileId, "content", true);
  return (
    <a
      className="viewer-download"
      href={href}
      download={props.image.name}
      aria-label={`${props.label}: ${props.image.name}`}
    >
      {props.label}
    </a>
  );
}
