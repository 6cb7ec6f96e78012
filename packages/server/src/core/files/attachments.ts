import { type Attachment, AttachmentKind, AttachmentSchema, create } from "@starling/protocol";
import { ErrorCode, invalid, StarlingError } from "../kernel/errors.js";
import { MAX_FILE_ID_LENGTH } from "../kernel/limits.js";
import type { FileRecord } from "../kernel/records.js";
import type { FileAccessReader } from "../kernel/shared-store.js";

/** Attachments one message may carry. */
export const MAX_ATTACHMENTS = 10;

/** Checks the shape of what a sender attached (the files themselves are looked up when stored). */
export function checkAttachments(list: readonly Attachment[]): void {
  if (list.length > MAX_ATTACHMENTS)
    throw invalid(`more than ${MAX_ATTACHMENTS} attachments`, "content.attachments");
  for (const a of list) {
    if (a.fileId.length === 0 || a.fileId.length > MAX_FILE_ID_LENGTH)
      throw invalid("an attachment needs a file_id", "content.attachments");
    if (!(a.kind in AttachmentKind)) throw invalid("unknown attachment kind", "content.attachments");
  }
}

/** The kind a file can be sent as: an image must be an image and so on; anything can be a file. */
function kindFor(asked: AttachmentKind, mime: string): AttachmentKind {
  const natural = mime.startsWith("image/")
    ? AttachmentKind.IMAGE
    : mime.startsWith("audio/")
      ? AttachmentKind.VOICE
      : mime.startsWith("video/")
        ? AttachmentKind.VIDEO
        : AttachmentKind.FILE;
  if (asked === AttachmentKind.UNSPECIFIED) return natural;
  return asked === natural ? asked : AttachmentKind.FILE;
}

/**
 * The sender's attachments with everything but file_id and kind taken from
 * the files: the sender must be able to read each one (their upload, or one
 * shared with them, which is how forwarding works). NOT_FOUND otherwise.
 */
export async function resolveAttachments(
  reader: FileAccessReader,
  senderId: string,
  list: readonly Attachment[],
): Promise<Attachment[]> {
  const out: Attachment[] = [];
  for (const a of list) {
    const f: FileRecord | undefined = await reader.readableFile(senderId, a.fileId);
    if (!f)
      throw new StarlingError(ErrorCode.NOT_FOUND, "no such file", {
        details: { field: "content.attachments", file_id: a.fileId },
      });
    out.push(
      create(AttachmentSchema, {
        fileId: f.id,
        kind: kindFor(a.kind, f.mime),
        name: f.name,
        size: BigInt(f.size),
        mime: f.mime,
        width: f.width ?? 0,
        height: f.height ?? 0,
        durationMs: f.durationMs ?? 0,
        sha256: f.sha256,
        hasThumbnail: f.thumbSha256 !== null,
      }),
    );
  }
  return out;
}
