import type { AuditContext } from "../directory/audit.js";
import type { DirectoryAdmin } from "../directory/directory-admin.js";
import { ErrorCode, invalid, notFound, StarlingError } from "../kernel/errors.js";
import { completeUserId, domainOf } from "../kernel/ids.js";
import type { BlobStore, Logger, MediaProbe } from "../kernel/ports.js";
import { openBlob, WHOLE } from "./blob-reader.js";
import type { FilesStore } from "./store.js";

/** The sizes, in pixels, every avatar is kept in. */
export const AVATAR_SIZES = [64, 128, 256] as const;
/** Largest picture accepted for an avatar. */
export const AVATAR_MAX_BYTES = 8 * 1024 * 1024;

/** What avatars need of groups: who may change a group's picture, and recording the change. */
export interface GroupPictures {
  requireManager(actor: { userId: string }, groupId: string): Promise<void>;
  setAvatar(actor: { userId: string }, groupId: string, avatar: string): Promise<void>;
}

/**
 * Avatars of users and groups: the picture is cropped square and kept in
 * AVATAR_SIZES as WebP blobs. A user's card then points at
 * /api/v1/avatars/{id} (with a version, so caches refresh), which announces
 * the change to the domain like any profile change. A user's avatar is seen
 * by their domain; a group's by its members.
 */
export class Avatars {
  constructor(
    private readonly store: FilesStore,
    private readonly blobs: BlobStore,
    private readonly media: MediaProbe,
    private readonly directoryAdmin: DirectoryAdmin,
    private readonly log: Logger,
    private readonly groups: GroupPictures,
  ) {}

  async setForUser(ctx: AuditContext, userId: string, bytes: Uint8Array): Promise<string> {
    const sha = await this.save(userId, bytes);
    const avatar = `/api/v1/avatars/${encodeURIComponent(userId)}?v=${sha.slice(0, 12)}`;
    await this.directoryAdmin.updateUser(ctx, userId, { avatar });
    return avatar;
  }

  /**
   * Group owners and admins only (the groups decide, before the picture is
   * worked on and again when the change is recorded); the new path becomes the
   * conversation's and an avatar_changed event.
   */
  async setForGroup(actorId: string, groupId: string, bytes: Uint8Array): Promise<string> {
    await this.groups.requireManager({ userId: actorId }, groupId);
    const sha = await this.save(groupId, bytes);
    const avatar = `/api/v1/avatars/${encodeURIComponent(groupId)}?v=${sha.slice(0, 12)}`;
    await this.groups.setAvatar({ userId: actorId }, groupId, avatar);
    return avatar;
  }

  /** The blob of the smallest kept size at least `size` (or the largest), if the viewer may see it. */
  async find(viewerId: string, ownerIn: string, size: number): Promise<string> {
    const ownerId = ownerIn.startsWith("g:") ? ownerIn : completeUserId(ownerIn, domainOf(viewerId), "id");
    if (ownerId.startsWith("g:")) {
      const m = await this.store.read.getMember(ownerId, viewerId);
      if (!m?.active) throw notFound("no such avatar");
    } else if (domainOf(ownerId) !== domainOf(viewerId)) {
      throw notFound("no such avatar");
    }
    const kept = await this.store.read.getAvatar(ownerId);
    const pick = kept.find((r) => r.size >= size) ?? kept[kept.length - 1];
    if (!pick) throw notFound("no such avatar");
    return pick.sha256;
  }

  open(sha256: string): Promise<AsyncIterable<Uint8Array>> {
    return openBlob(this.blobs, this.log, sha256, WHOLE, { avatar: sha256 });
  }

  private async save(ownerId: string, bytes: Uint8Array): Promise<string> {
    if (bytes.length === 0) throw invalid("the picture is empty", "body");
    if (bytes.length > AVATAR_MAX_BYTES)
      throw new StarlingError(ErrorCode.FILE_TOO_LARGE, `an avatar is at most ${AVATAR_MAX_BYTES} bytes`, {
        details: { field: "body", limit: String(AVATAR_MAX_BYTES) },
      });
    const mime = (await (await import("file-type")).fileTypeFromBuffer(bytes))?.mime ?? "";
    if (!mime.startsWith("image/")) throw invalid("an avatar must be a picture", "body");
    const renditions = await this.media.avatar(bytes, AVATAR_SIZES);
    const kept = await Promise.all(
      renditions.map(async (r, i) => ({ size: AVATAR_SIZES[i] as number, sha256: await this.blobs.put(r) })),
    );
    await this.store.transaction((tx) => tx.setAvatar(ownerId, kept));
    return (kept[kept.length - 1] as { sha256: string }).sha256;
  }
}
