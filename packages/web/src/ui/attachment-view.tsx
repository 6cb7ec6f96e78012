import { type Attachment, AttachmentKind } from "@starling/sdk";
import { useEffect, useState } from "react";
import { store } from "../chat-store.js";
import { useStrings } from "../i18n.js";
import { fileLink } from "../uploads.js";

function size(bytes: bigint): string {
  const n = Number(bytes);
  return n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(0)} KB` : `${(n / 1048576).toFixed(1)} MB`;
}

/** A signed link for one variant of a file, fetched once it is needed. */
function useLink(fileId: string, variant: "content" | "thumbnail", wanted: boolean): string | undefined {
  const [path, setPath] = useState<string | undefined>(undefined);
  useEffect(() => {
    const token = store.token;
    if (!wanted || !token) return;
    let live = true;
    void fileLink(fileId, variant, token)
      .then((p) => live && setPath(p))
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [fileId, variant, wanted]);
  return path;
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
        {large && (
          <dialog open className="lightbox" aria-label={a.name}>
            <img src={content} alt={a.name} />
            <button type="button" onClick={() => setLarge(false)}>
              {t.close}
            </button>
          </dialog>
        )}
      </>
    );
  }
  return (
    <a className="file" href={content} download={a.name} aria-label={`${t.download}: ${a.name}`}>
      <span className="file-name">{a.name}</span>
      <span className="hint">{size(a.size)}</span>
    </a>
  );
}
