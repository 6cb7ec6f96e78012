import type { OfflineSnapshot, OfflineStore } from "./stores/offline-cache.js";

const DB = "starling-offline";
const SNAPSHOTS = "snapshots";

/** A request's result as a promise. */
function done<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/**
 * The offline snapshots in IndexedDB, one record per user keyed by user id,
 * stored by structured clone (bigints and bytes as they are). The database
 * is opened on first use, so a page that never goes offline pays nothing
 * more than that.
 */
export class IndexedDbOfflineStore implements OfflineStore {
  private db: Promise<IDBDatabase> | undefined;

  async load(userId: string): Promise<OfflineSnapshot | undefined> {
    const tx = (await this.open()).transaction(SNAPSHOTS, "readonly");
    return (await done(tx.objectStore(SNAPSHOTS).get(userId))) as OfflineSnapshot | undefined;
  }

  async save(userId: string, snapshot: OfflineSnapshot): Promise<void> {
    const tx = (await this.open()).transaction(SNAPSHOTS, "readwrite");
    await done(tx.objectStore(SNAPSHOTS).put(snapshot, userId));
  }

  async clear(userId: string): Promise<void> {
    const tx = (await this.open()).transaction(SNAPSHOTS, "readwrite");
    await done(tx.objectStore(SNAPSHOTS).delete(userId));
  }

  private open(): Promise<IDBDatabase> {
    this.db ??= new Promise((resolve, reject) => {
      const req = indexedDB.open(DB, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(SNAPSHOTS);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    return this.db;
  }
}
