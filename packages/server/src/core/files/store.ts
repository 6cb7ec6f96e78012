import type { FileRecord } from "../kernel/records.js";
import type { ConversationReader, FileAccessReader, StorePort, UserReader } from "../kernel/shared-store.js";

/** Uploaded files' metadata and avatars (contents live in the BlobStore). */
export interface FilesReads {
  getFile(id: string): Promise<FileRecord | undefined>;
  /** A file with this content that the user may read (by the same rule as readableFile), if there is one. */
  readableFileWithHash(userId: string, sha256: string): Promise<FileRecord | undefined>;
  /** The SHA-256 of each size of a user's or group's avatar. */
  getAvatar(ownerId: string): Promise<{ size: number; sha256: string }[]>;
}

export interface FilesWrites {
  /**
   * Records the file and adds its size to the domain's use, unless that would
   * pass `quotaBytes` (0: no quota); false then, and nothing is written.
   */
  insertFile(file: FileRecord, quotaBytes: number): Promise<boolean>;
  /** Replaces a user's or group's avatar renditions. */
  setAvatar(ownerId: string, renditions: readonly { size: number; sha256: string }[]): Promise<void>;
  /** The secret of this name, set to `candidate` by whichever node asks first. */
  ensureSecret(name: string, candidate: string): Promise<string>;
}

/** Files read users' domains (limits), and groups' members for a group's avatar. */
export interface FilesReader extends FileAccessReader, UserReader, ConversationReader, FilesReads {}

export interface FilesTx extends FilesReader, FilesWrites {}

/** The store as files see it. */
export type FilesStore = StorePort<FilesReader, FilesTx>;
