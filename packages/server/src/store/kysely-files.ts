import type { FileReader, FileWriter } from "../core/ports.js";
import type { FileRecord } from "../core/records.js";
import { KyselyDirectory } from "./kysely-directory.js";
import type { FileTable } from "./schema.js";

const toFile = (r: FileTable): FileRecord => ({
  id: r.id,
  domain: r.domain,
  uploader: r.uploader,
  sha256: r.sha256,
  size: Number(r.size),
  mime: r.mime,
  name: r.name,
  createdAt: Number(r.created_at),
});

/** The files queries of the Store port (metadata only; contents live in the BlobStore). */
export class KyselyFiles extends KyselyDirectory implements FileReader, FileWriter {
  async getFile(id: string): Promise<FileRecord | undefined> {
    const r = await this.db.selectFrom("files").selectAll().where("id", "=", id).executeTakeFirst();
    return r ? toFile(r) : undefined;
  }

  async findFileByHash(domain: string, sha256: string): Promise<FileRecord | undefined> {
    const r = await this.db
      .selectFrom("files")
      .selectAll()
      .where("domain", "=", domain)
      .where("sha256", "=", sha256)
      .limit(1)
      .executeTakeFirst();
    return r ? toFile(r) : undefined;
  }

  async insertFile(f: FileRecord): Promise<void> {
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
      })
      .execute();
  }
}
