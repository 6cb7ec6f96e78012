import { type Attachment, AttachmentKind } from "@starling/sdk";
import { lazy, Suspense, useRef, useState } from "react";
import { useStrings } from "../i18n.js";
import { fileSize } from "./format.js";
import { useFileLink } from "./use-file-link.js";

// The viewer is its own chunk: most sessions never open a picture large.
const ImageViewer = lazy(() => import("./media/image-viewer.js"));

/**
 * One attachment: an image as its thumbnail (space reserved from its size,
 * so nothing moves when it loads) that opens in the image viewer, with the
 * chat's other pictures a step away; anything else as a download with its
 * name and size.
 */
export function AttachmentView(props: { a: Attachment; conversationId: string }) {
  const { t } = useStrings();
  const a = props.a;
  const image = a.kind === AttachmentKind.IMAGE;
  const [large, setLarge] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);
  const thumb = useFileLink(a.fileId, "thumbnail", image && a.hasThumbnail);
  const content = useFileLink(a.fileId, "content", !image || !a.hasThumbnail);

  if (image) {
    const scale = a.width && a.height ? Math.min(1, 240 / Math.max(a.width, a.height)) : 1;
    const w = a.width ? Math.round(a.width * scale) : 240;
    const h = a.height ? Math.round(a.height * scale) : 160;
    return (
      <>
        <button
          ref={opener}
          type="button"
          className="thumb"
          onClick={() => setLarge(true)}
          aria-label={`${t.openImage}: ${a.name}`}
        >
          <img src={thumb ?? content} alt={a.name} width={w} height={h} data-testid="thumbnail" />
        </button>
        {large && (
          <Suspense fallback={null}>
            <ImageViewer
              conversationId={props.conversationId}
              start={{ fileId: a.fileId, name: a.name }}
              onClose={() => {
                setLarge(false);
                opener.current?.focus();
              }}
            />
          </Suspense>
        )}
      </>
    );
  }
  return (
    <a className="file" href={content} download={a.name}>
      <span className="file-name">
        <span className="sr-only">{t.download}: </span>
        {a.name}
      </span>
      <span className="hint">{fileSize(a.size)}</span>
    </a>
  );
}
