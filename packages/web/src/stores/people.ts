import { type DoNotDisturb, inDoNotDisturb, type UserCard } from "@starling/sdk";
import type { Session } from "./session.js";
import { Store } from "./store.js";

/** Cards asked for per directory request (the server's limit). */
const BATCH = 500;
/** Names wanted within this long go in one request. */
const GATHER_MS = 30;

const shortForm = (userId: string) => userId.split("@")[0] ?? userId;

/**
 * People as the directory knows them: display names, fetched in batches as
 * they are asked for, and avatars, fetched with the session token (an <img>
 * cannot send it) and kept as object URLs.
 */
export class People extends Store {
  private readonly names = new Map<string, string>();
  /** Lower-case keys that find a person when typed: pinyin, initials, the name's other readings. */
  private readonly keys = new Map<string, readonly string[]>();
  /** Status messages and do-not-disturb settings from the same cards. */
  private readonly statuses = new Map<string, { text: string; dnd: DoNotDisturb | undefined }>();
  private readonly wanted = new Set<string>();
  /** Avatar paths from the directory (with their version), and the pictures fetched for them. */
  private readonly avatarPaths = new Map<string, string>();
  private readonly avatarUrls = new Map<string, string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Settles when the names gathered for the next request have been asked for. */
  private loading: Promise<void> = Promise.resolve();
  private loaded: (() => void) | undefined;

  constructor(
    private readonly session: Session,
    private readonly apiBase: string,
  ) {
    super();
  }

  /** A person's display name from the directory; their id's local part until it is known. */
  displayName = (userId: string): string => {
    const known = this.names.get(userId);
    if (known !== undefined) return known;
    if (this.session.client && !this.wanted.has(userId)) {
      this.wanted.add(userId);
      if (!this.timer)
        this.loading = new Promise((resolve) => {
          this.loaded = resolve;
          this.timer = setTimeout(() => void this.fetchNames().finally(resolve), GATHER_MS);
        });
    }
    return shortForm(userId);
  };

  /** What finds a person when typed after "@" besides their name: pinyin, initials, other readings. */
  searchKeys(userId: string): readonly string[] {
    this.displayName(userId);
    return this.keys.get(userId) ?? [];
  }

  /** A person's display name, asked of the directory first if it is not known yet. */
  async nameOf(userId: string): Promise<string> {
    const known = this.names.get(userId);
    if (known !== undefined) return known;
    this.displayName(userId);
    await this.loading;
    return this.names.get(userId) ?? shortForm(userId);
  }

  /** A person's avatar as an object URL once fetched; undefined while unknown or absent. */
  avatar(userId: string): string | undefined {
    this.displayName(userId);
    const path = this.avatarPaths.get(userId);
    return path ? this.picture(path) : undefined;
  }

  /**
   * A picture by its path (a group's, as its conversation carries it) as an
   * object URL once fetched; a new version is a new path, so a change shows.
   */
  picture(path: string): string | undefined {
    if (!path.startsWith("/api/v1/avatars/")) return undefined;
    const known = this.avatarUrls.get(path);
    if (known !== undefined) return known || undefined;
    this.avatarUrls.set(path, "");
    const token = this.session.token;
    if (token)
      void fetch(`${this.apiBase}${path}&size=64`, { headers: { authorization: `Bearer ${token}` } })
        .then(async (r) => {
          if (!r.ok) return;
          this.avatarUrls.set(path, URL.createObjectURL(await r.blob()));
          this.changed();
        })
        .catch(() => {});
    return undefined;
  }

  /** Sets a group's picture (owners and admins); its conversation then carries the new path. */
  async setGroupPicture(groupId: string, file: Blob): Promise<string> {
    const token = this.session.token;
    if (!token) throw new Error("signed out");
    const r = await fetch(`${this.apiBase}/api/v1/groups/${encodeURIComponent(groupId)}/avatar`, {
      method: "PUT",
      headers: { authorization: `Bearer ${token}`, "content-type": file.type || "application/octet-stream" },
      body: file,
    });
    const body = (await r.json().catch(() => ({}))) as { avatar?: string; number?: number; message?: string };
    if (!r.ok || !body.avatar)
      throw Object.assign(new Error(body.message ?? `the picture was refused (${r.status})`), {
        code: body.number,
      });
    return body.avatar;
  }

  /** A person's status message ("" when none); known once their name is. */
  statusText(userId: string): string {
    this.displayName(userId);
    return this.statuses.get(userId)?.text ?? "";
  }

  /** A person's do-not-disturb setting as set; `inDnd` says whether it holds. */
  dndOf(userId: string): DoNotDisturb | undefined {
    this.displayName(userId);
    return this.statuses.get(userId)?.dnd;
  }

  /** Whether a person is in do-not-disturb at `atMs` (the protocol's rule, as the server applies it). */
  inDnd(userId: string, atMs: number): boolean {
    return inDoNotDisturb(this.dndOf(userId), atMs);
  }

  /** Changes the user's own card; colleagues' copies follow by the directory's change push. */
  async updateOwnProfile(patch: {
    displayName?: string;
    statusText?: string;
    doNotDisturb?: {
      on?: boolean;
      until?: number;
      daily?: boolean;
      fromMinute?: number;
      toMinute?: number;
      timeZone?: string;
    };
  }): Promise<void> {
    const c = this.session.client;
    if (!c) return;
    await c.directory.updateProfile(patch);
    const me = this.session.userId;
    const [card] = await c.directory.cards([me]);
    if (card) this.learn(card);
    this.changed();
  }

  /** Sets the user's own avatar from a picture. */
  async setAvatar(file: Blob): Promise<void> {
    const token = this.session.token;
    if (!token) return;
    const r = await fetch(`${this.apiBase}/api/v1/me/avatar`, {
      method: "PUT",
      headers: { authorization: `Bearer ${token}`, "content-type": file.type || "application/octet-stream" },
      body: file,
    });
    const body = (await r.json().catch(() => ({}))) as { avatar?: string; message?: string };
    if (!r.ok || !body.avatar) throw new Error(body.message ?? `the picture was refused (${r.status})`);
    this.avatarPaths.set(this.session.userId, body.avatar);
    this.changed();
  }

  /** Names and pictures may have changed: asked for again as they are shown. */
  directoryChanged(): void {
    this.names.clear();
    this.keys.clear();
    this.statuses.clear();
    this.wanted.clear();
    this.avatarPaths.clear();
    this.changed();
  }

  reset(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.loaded?.();
    this.names.clear();
    this.keys.clear();
    this.statuses.clear();
    this.wanted.clear();
    for (const url of this.avatarUrls.values()) if (url) URL.revokeObjectURL(url);
    this.avatarUrls.clear();
    this.avatarPaths.clear();
    this.changed();
  }

  private learn(card: UserCard): void {
    this.names.set(card.id, card.displayName);
    this.keys.set(
      card.id,
      [card.pinyin, card.pinyinInitials, ...card.nameReadings].filter((k) => k !== ""),
    );
    this.statuses.set(card.id, { text: card.statusText, dnd: card.doNotDisturb });
    if (card.avatar.startsWith("/api/v1/avatars/")) this.avatarPaths.set(card.id, card.avatar);
  }

  private async fetchNames(): Promise<void> {
    this.timer = undefined;
    const c = this.session.client;
    const ids = [...this.wanted].filter((id) => !this.names.has(id)).slice(0, BATCH);
    if (!c || ids.length === 0) return;
    try {
      for (const card of await c.directory.cards(ids)) this.learn(card);
      // Ids the directory does not know keep their short form.
      for (const id of ids) if (!this.names.has(id)) this.names.set(id, shortForm(id));
      this.changed();
    } catch {
      for (const id of ids) this.wanted.delete(id);
    }
  }
}
