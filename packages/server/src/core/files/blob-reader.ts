import { notFound } from "../kernel/errors.js";
import type { BlobStore, Logger } from "../kernel/ports.js";

/**
 * Opens stored content for reading. A blob that the metadata names but the
 * BlobStore lacks (lost, deleted by hand, or a node that does not see the
 * store the others write to) is NOT_FOUND for the client and one error line
 * for the operator, never an internal error halfway through a response.
 */
export async function openBlob(
  blobs: BlobStore,
  log: Logger,
  sha256: string,
  range: { start: number; end: number },
  about: Record<string, string>,
): Promise<AsyncIterable<Uint8Array>> {
  if (!(await blobs.has(sha256))) {
    log.error({ sha256, ...about }, "content missing from the blob store");
    throw notFound("the content of this file is missing");
  }
  return blobs.read(sha256, range.start, range.end);
}

/** From the first byte to the last, whatever the size. */
export const WHOLE = { start: 0, end: Number.MAX_SAFE_INTEGER };
