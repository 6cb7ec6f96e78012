/**
 * The app shell in the Cache API (Service Workers: CacheStorage):
 * the page and the files it loads, so the app opens without a connection.
 * The page is fetched network-first (a new build shows as soon as it is
 * served) and falls back to the cached copy; the hashed assets never change
 * under their name, so they are served cache-first. Nothing else is touched:
 * the API, the WebSocket, files and avatars always go to the network.
 */

/** Every cache this worker made starts with it; a new build's worker deletes the others. */
const PREFIX = "starling-shell-";
/** The page as cached, whatever query it was opened with (`/?c=<chat>`). */
const PAGE = "/";
/** How long the page may take from the network before the cached one is shown (a black-holed network never answers). */
const PAGE_TIMEOUT_MS = 4000;
/** Files cached on install, at most (a build has a few dozen). */
const MAX_PRECACHE = 200;
/** Besides the page's own scripts and styles: what installing the app needs. */
const ALSO = ["/manifest.webmanifest", "/icons/icon-192.png", "/icons/icon-512.png"];

export class ShellCache {
  private readonly name: string;

  constructor(
    private readonly caches: CacheStorage,
    version: string,
    /** The build's assets, cached on install. */
    private readonly assets: readonly string[],
  ) {
    this.name = PREFIX + version;
  }

  /** On install: the page, the build's assets, and the manifest's files. */
  async install(): Promise<void> {
    const cache = await this.caches.open(this.name);
    const page = await fetch(PAGE, { cache: "reload" });
    if (!page.ok) throw new Error(`the page answered ${page.status}`);
    await cache.put(PAGE, page);
    await cache.addAll([...this.assets, ...ALSO].slice(0, MAX_PRECACHE));
  }

  /** On activate: the caches of earlier builds go. */
  async prune(): Promise<void> {
    for (const key of await this.caches.keys())
      if (key.startsWith(PREFIX) && key !== this.name) await this.caches.delete(key);
  }

  /** The response for a request this cache handles, or undefined to leave it to the network. */
  handle(request: Request): Promise<Response> | undefined {
    if (request.method !== "GET") return undefined;
    const url = new URL(request.url);
    if (url.origin !== self.location.origin) return undefined;
    if (request.mode === "navigate" && (url.pathname === "/" || url.pathname === "/index.html"))
      return this.page(request);
    if (url.pathname.startsWith("/assets/")) return this.asset(request);
    if (ALSO.includes(url.pathname)) return this.page(request, url.pathname);
    return undefined;
  }

  /** Network first, the cached copy when the network fails or is too slow; a good answer refreshes the copy. */
  private async page(request: Request, key = PAGE): Promise<Response> {
    const cache = await this.caches.open(this.name);
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort(), PAGE_TIMEOUT_MS);
    try {
      const fresh = await fetch(request, { signal: stop.signal });
      if (fresh.ok) await cache.put(key, fresh.clone());
      return fresh;
    } catch (err) {
      const cached = await cache.match(key);
      if (cached) return cached;
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Cache first; a miss (a chunk loaded lazily) is fetched and kept. */
  private async asset(request: Request): Promise<Response> {
    const cache = await this.caches.open(this.name);
    const cached = await cache.match(request);
    if (cached) return cached;
    const fresh = await fetch(request);
    if (fresh.ok) await cache.put(request, fresh.clone());
    return fresh;
  }
}
