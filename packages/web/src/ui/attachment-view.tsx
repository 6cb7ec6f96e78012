import { type Attachment, AttachmentKind } from "@starling/sdk";
import { useEffect, useRef, useState } from "react";
import { useStrings } from "../i18n.js";
import { useChat } from "../use-chat.js";

function size(bytes: bigint): string {
  const n = Number(bytes);
  return n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(0)} KB` : `${(n / 1048576).toFixed(1)} MB`;
}

/** A signed link for one variant of a file, fetched once it is needed. */
function useLink(fileId: string, variant: "content" | "thumbnail", wanted: boolean): string | undefined {
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

/** A picture shown large in a modal dialog: Escape or the button closes it, focus stays inside. */
function Lightbox(props: { src: string | undefined; name: string; close: string; onClose(): void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  return (
    <dialog ref={ref} className="lightbox" aria-label={props.name} onClose={props.onClose}>
      <img src={props.src} alt={props.name} />
      <button type="button" onClick={props.onClose}>
        {props.close}
      </button>
    </dialog>
  );
}

/**
 * One attachment: an image as its thumbnail (space reserved from its size,
 * so nothing moves when it loads) that opens large; anything else as a
 * download with its name and size.
 */
export function AttachmentView(props: { a: Attachment }) {
  const { t } = useStrings();
  const a = props.a;
  const image = a.kind === AttachmentKind.IMAGE;
  const [large, setLarge] = useState(false);
  const thumb = useLink(a.fileId, "thumbnail", image && a.hasThumbnail);
  const content = useLink(a.fileId, "content", !image || large || !a.hasThumbnail);

  if (image) {
    const scale = a.width && a.height ? Math.min(1, 240 / Math.max(a.width, a.height)) : 1;
    const w = a.width ? Math.round(a.width * scale) : 240;
    const h = a.height ? Math.round(a.height * scale) : 160;
    return (
      <>
        <button
          type="button"
          className="thumb"
          onClick={() => setLarge(true)}
          aria-label={`${t.openImage}: ${a.name}`}
        >
          <img src={thumb ?? content} alt={a.name} width={w} height={h} data-testid="thumbnail" />
        </button>
        {large && <Lightbox src={content} name={a.name} close={t.close} onClose={() => setLarge(false)} />}
      </>
    );
  }
  return (
    <a className="file" href={content} download={a.name}>
      <span className="file-name">
        <span className="sr-only">{t.download}: </span>
        {a.name}
      </span>
      <span className="hint">{size(a.size)}</span>
    </a>
  );
}
