import { type Kysely, sql } from "kysely";
import type { FilesReads, FilesWrites } from "../../core/files/store.js";
import { domainOf } from "../../core/kernel/ids.js";
import type { FileRecord } from "../../core/kernel/records.js";
import type { FileAccessReader } from "../../core/kernel/shared-store.js";
import { readableSeq } from "./readable-sql.js";
import { toFile } from "./rows.js";
import type { Database } from "./schema.js";

/**
 * The one rule of who may read a file: its uploader, or a member of a
 * conversation where a message that is not recalled (a recall deletes its
 * file_shares rows) shared it, for as long as they may see that message:
 * while active, or up to the seq at which they left.
 */
function readableBy(db: Kysely<Database>, userId: string) {
  return db
    .selectFrom("files as f")
    .selectAll("f")
    .where("f.domain", "=", domainOf(userId))
    .where((eb) =>
      eb.or([
        eb("f.uploader", "=", userId),
        eb.exists(
          eb
            .selectFrom("file_shares as s")
            .innerJoin("members as m", (j) =>
              j.onRef("m.conversation_id", "=", "s.conversation_id").on("m.user_id", "=", userId),
            )
            .select("s.seq")
            .whereRef("s.file_id", "=", "f.id")
            .where(readableSeq("m", "s.seq")),
        ),
      ]),
    );
}

/** Files' queries: metadata (contents live in the BlobStore), who may read them, avatars, shared secrets. */
export class KyselyFiles implements FileAccessReader, FilesReads, FilesWrites {
  constructor(private readonly db: Kysely<Database>) {}

  async getFile(id: string): Promise<FileRecord | undefined> {
    const r = await this.db.selectFrom("files").selectAll().where("id", "=", id).executeTakeFirst();
    return r ? toFile(r) : undefined;
  }

  async readableFile(userId: string, fileId: string): Promise<FileRecord | undefined> {
    const r = await readableBy(this.db, userId).where("f.id", "=", fileId).executeTakeFirst();
    return r ? toFile(r) : undefined;
  }

  async readableFileWithHash(userId: string, sha256: string): Promise<FileRecord | undefined> {
    // The caller's own upload first: it needs no look-up of shares.
    const r = await readableBy(this.db, userId)
      .where("f.sha256", "=", sha256)
      .orderBy(sql`case when f.uploader = ${userId} then 0 else 1 end`)
      .limit(1)
      .executeTakeFirst();
    return r ? toFile(r) : undefined;
  }

  async getAvatar(ownerId: string): Promise<{ size: number; sha256: string }[]> {
    const rows = await this.db
      .selectFrom("avatars")
      .select(["size", "sha256"])
      .where("owner_id", "=", ownerId)
      .orderBy("size")
      .execute();
    return rows.map((r) => ({ size: Number(r.size), sha256: r.sha256 }));
  }

  async insertFile(f: FileRecord, quotaBytes: number): Promise<boolean> {
    const charged = await this.db
      .updateTable("domains")
      .set({ used_bytes: sql`used_bytes + ${f.size}` })
      .where("name", "=", f.domain)
      .where(sql<boolean>`(${quotaBytes} = 0 or used_bytes + ${f.size} <= ${quotaBytes})`)
      .executeTakeFirst();
    if (Number(charged.numUpdatedRows) === 0) return false;
    await this.db
      .insertInto("files")
      .values({
        id: f.id,
        domain: f.domain,
        uploader: f.uploader,
        sha256: f.sha256,
        size: f.size,
        mime: f.mime,
        name: f.name,
        created_at: f.createdAt,
        width: f.width,
        height: f.height,
        duration_ms: f.durationMs,
        thumb_sha256: f.thumbSha256,
      })
      .execute();
    return true;
  }

  async setAvatar(ownerId: string, renditions: readonly { size: number; sha256: string }[]): Promise<void> {
    await this.db.deleteFrom("avatars").where("owner_id", "=", ownerId).execute();
    if (renditions.length > 0)
      await this.db
        .insertInto("avatars")
        .values(renditions.map((r) => ({ owner_id: ownerId, size: r.size, sha256: r.sha256 })))
        .execute();
  }

  async ensureSecret(name: string, candidate: string): Promise<string> {
    await this.db
      .insertInto("secrets")
      .values({ name, value: candidate })
      .onConflict((oc) => oc.column("name").doNothing())
      .execute();
    const r = await this.db
      .selectFrom("secrets")
      .select("value")
      .where("name", "=", name)
      .executeTakeFirstOrThrow();
    return r.value;
  }
}
