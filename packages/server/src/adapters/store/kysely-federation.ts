import { type Kysely, sql } from "kysely";
import type { FederationPingRecord, FederationReads, FederationWrites } from "../../core/federation/store.js";
import type {
  FederationAllowList,
  FederationFrameRecord,
  FederationLinkRecord,
} from "../../core/kernel/records.js";
import type { Database, FederationLinkTable } from "./schema.js";

const num = (v: unknown) => Number(v);

function allowOf(json: string): FederationAllowList {
  const a = JSON.parse(json) as Partial<FederationAllowList>;
  return { users: a.users ?? [], departments: a.departments ?? [], groups: a.groups ?? [] };
}

function linkOf(r: FederationLinkTable): FederationLinkRecord {
  return {
    peerDomain: r.peer_domain,
    localDomain: r.local_domain,
    endpoint: r.endpoint,
    pin: r.pin,
    caPath: r.ca_path,
    allow: allowOf(r.allow),
    state: r.state === "suspended" ? "suspended" : "active",
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at),
  };
}

/** Federation links, their outboxes and inbox marks. */
export class KyselyFederation implements FederationReads, FederationWrites {
  constructor(private readonly db: Kysely<Database>) {}

  async getFederationLink(peerDomain: string): Promise<FederationLinkRecord | undefined> {
    const r = await this.db
      .selectFrom("federation_links")
      .selectAll()
      .where("peer_domain", "=", peerDomain)
      .executeTakeFirst();
    return r ? linkOf(r) : undefined;
  }

  async listFederationLinks(): Promise<FederationLinkRecord[]> {
    const rows = await this.db.selectFrom("federation_links").selectAll().orderBy("peer_domain").execute();
    return rows.map(linkOf);
  }

  async federationOutboxAfter(
    peerDomain: string,
    afterSeq: number,
    limit: number,
  ): Promise<FederationFrameRecord[]> {
    const rows = await this.db
      .selectFrom("federation_outbox")
      .selectAll()
      .where("peer_domain", "=", peerDomain)
      .where("seq", ">", afterSeq)
      .orderBy("seq")
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      peerDomain: r.peer_domain,
      seq: num(r.seq),
      kind: r.kind,
      payload: new Uint8Array(r.payload),
      createdAt: num(r.created_at),
    }));
  }

  async federationOutboxDepth(peerDomain: string): Promise<number> {
    const r = await this.db
      .selectFrom("federation_outbox")
      .select((eb) => eb.fn.countAll().as("n"))
      .where("peer_domain", "=", peerDomain)
      .executeTakeFirst();
    return num(r?.n ?? 0);
  }

  async federationInboxMark(peerDomain: string): Promise<number> {
    const r = await this.db
      .selectFrom("federation_inbox_marks")
      .select("applied_seq")
      .where("peer_domain", "=", peerDomain)
      .executeTakeFirst();
    return num(r?.applied_seq ?? 0);
  }

  async listFederationPings(peerDomain: string): Promise<FederationPingRecord[]> {
    const rows = await this.db
      .selectFrom("federation_pings")
      .selectAll()
      .where("peer_domain", "=", peerDomain)
      .orderBy("seq")
      .execute();
    return rows.map((r) => ({
      peerDomain: r.peer_domain,
      seq: num(r.seq),
      body: r.body,
      receivedAt: num(r.received_at),
    }));
  }

  async insertFederationLink(l: FederationLinkRecord): Promise<boolean> {
    const r = await this.db
      .insertInto("federation_links")
      .values({
        peer_domain: l.peerDomain,
        local_domain: l.localDomain,
        endpoint: l.endpoint,
        pin: l.pin,
        ca_path: l.caPath,
        allow: JSON.stringify(l.allow),
        state: l.state,
        out_seq: 0,
        created_at: l.createdAt,
        updated_at: l.updatedAt,
      })
      .onConflict((oc) => oc.column("peer_domain").doNothing())
      .executeTakeFirst();
    if (Number(r.numInsertedOrUpdatedRows ?? 0) === 0) return false;
    await this.db
      .insertInto("federation_inbox_marks")
      .values({ peer_domain: l.peerDomain, applied_seq: 0 })
      .onConflict((oc) => oc.column("peer_domain").doNothing())
      .execute();
    return true;
  }

  async setFederationLinkState(peerDomain: string, state: FederationLinkRecord["state"], at: number) {
    await this.db
      .updateTable("federation_links")
      .set({ state, updated_at: at })
      .where("peer_domain", "=", peerDomain)
      .execute();
  }

  async deleteFederationLink(peerDomain: string): Promise<void> {
    await this.db.deleteFrom("federation_outbox").where("peer_domain", "=", peerDomain).execute();
    await this.db.deleteFrom("federation_inbox_marks").where("peer_domain", "=", peerDomain).execute();
    await this.db.deleteFrom("federation_pings").where("peer_domain", "=", peerDomain).execute();
    await this.db.deleteFrom("federation_links").where("peer_domain", "=", peerDomain).execute();
  }

  async nextFederationSeq(peerDomain: string): Promise<number> {
    // One statement that both locks the row (PostgreSQL) and moves the counter.
    const r = await this.db
      .updateTable("federation_links")
      .set({ out_seq: sql`out_seq + 1` })
      .where("peer_domain", "=", peerDomain)
      .returning("out_seq")
      .executeTakeFirst();
    if (!r) throw new Error(`no federation link to ${peerDomain}`);
    return num(r.out_seq);
  }

  async insertFederationFrame(f: FederationFrameRecord): Promise<void> {
    await this.db
      .insertInto("federation_outbox")
      .values({
        peer_domain: f.peerDomain,
        seq: f.seq,
        id: f.id,
        kind: f.kind,
        payload: f.payload,
        created_at: f.createdAt,
      })
      .execute();
  }

  async deleteFederationFramesThrough(peerDomain: string, seq: number): Promise<void> {
    await this.db
      .deleteFrom("federation_outbox")
      .where("peer_domain", "=", peerDomain)
      .where("seq", "<=", seq)
      .execute();
  }

  async advanceFederationInboxMark(peerDomain: string, from: number, to: number): Promise<boolean> {
    const r = await this.db
      .updateTable("federation_inbox_marks")
      .set({ applied_seq: to })
      .where("peer_domain", "=", peerDomain)
      .where("applied_seq", "=", from)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async insertFederationPing(p: FederationPingRecord): Promise<void> {
    await this.db
      .insertInto("federation_pings")
      .values({ peer_domain: p.peerDomain, seq: p.seq, body: p.body, received_at: p.receivedAt })
      .execute();
  }
}
