import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import {
  type Admin,
  adminKey,
  type BotTokenSummary,
  createLogger,
  type DomainRecord,
  type FederationLinkRecord,
  type GroupSummary,
  type ImportReport,
  type NewLink,
  openCore,
  type RuntimeInfo,
  runtimeFile,
  type StarlingConfig,
  type UserSummary,
  type WebhookSummary,
} from "@starling/server";

/** An import's report, with the layout the file was read in. */
export type ImportResult = ImportReport & { format: string };

/** The admin operations the CLI offers, whether or not a server is running. */
export interface AdminApi {
  addUser(input: {
    id: string;
    password: string;
    displayName?: string;
    role?: string;
    temporary?: boolean;
  }): Promise<UserSummary>;
  listUsers(domain?: string, after?: string, limit?: number): Promise<UserSummary[]>;
  setPassword(id: string, password: string, temporary?: boolean): Promise<void>;
  setDisabled(id: string, disabled: boolean): Promise<void>;
  /** A one-time activation code for a user who has not chosen a password yet. */
  issueActivation(id: string): Promise<{ userId: string; code: string; expiresAt: number }>;
  addDomain(name: string): Promise<DomainRecord>;
  listDomains(): Promise<DomainRecord[]>;
  setDomainDisabled(name: string, disabled: boolean): Promise<void>;
  setDomainPushPreviews(name: string, previews: DomainRecord["pushPreviews"]): Promise<DomainRecord>;
  importUsers(
    domain: string | undefined,
    text: string,
    kind: "csv" | "json",
    opts: { dryRun: boolean; initialPasswords: boolean; onProgress?: (done: number, total: number) => void },
  ): Promise<ImportResult>;
  createGroup(input: { name: string; owner: string; members: string[] }): Promise<GroupSummary>;
  addMembers(groupId: string, userIds: string[]): Promise<void>;
  removeMembers(groupId: string, userIds: string[]): Promise<void>;
  listGroups(domain?: string, after?: string, limit?: number): Promise<GroupSummary[]>;
  addLink(link: NewLink): Promise<FederationLinkRecord>;
  listLinks(): Promise<LinkState[]>;
  suspendLink(peer: string): Promise<void>;
  resumeLink(peer: string): Promise<void>;
  removeLink(peer: string): Promise<void>;
  addBot(id: string, displayName?: string): Promise<{ id: string; displayName: string }>;
  issueBotToken(
    botId: string,
    scopes: string[],
    label?: string,
  ): Promise<BotTokenSummary & { token: string }>;
  listBotTokens(botId: string): Promise<BotTokenSummary[]>;
  revokeBotToken(botId: string, tokenId: string): Promise<void>;
  /** A webhook posting into the group as the bot; `path` holds the secret, shown this once. */
  addHook(groupId: string, botId: string, label?: string): Promise<WebhookSummary & { path: string }>;
  listHooks(groupId: string): Promise<WebhookSummary[]>;
  revokeHook(groupId: string, hookId: string): Promise<void>;
  close(): Promise<void>;
}

/** A link with what it has queued to send and the highest seq applied of what the peer sent. */
export type LinkState = FederationLinkRecord & { queued: number; appliedSeq: number };

export class AdminRequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A running server (found through <dataDir>/server.json) is asked over its
 * admin HTTP API, so online users see the change at once; otherwise the
 * command opens the database itself.
 */
export async function connectAdmin(config: StarlingConfig): Promise<AdminApi> {
  const dataDir = resolve(config.dataDir);
  const file = runtimeFile(dataDir);
  if (existsSync(file)) {
    const info = JSON.parse(readFileSync(file, "utf8")) as RuntimeInfo;
    const host = info.httpHost.includes(":") ? `[${info.httpHost}]` : info.httpHost;
    const origin = `http://${host}:${info.httpPort}`;
    if (await reachable(`${origin}/healthz`)) return httpAdmin(`${origin}/api/v1/admin`, adminKey(dataDir));
  }
  return directAdmin(config);
}

async function reachable(url: string): Promise<boolean> {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return r.status === 200 || r.status === 503;
  } catch {
    return false;
  }
}

function httpAdmin(base: string, key: string): AdminApi {
  const call = async <T>(
    method: string,
    path: string,
    body?: unknown,
    contentType = "application/json",
  ): Promise<T> => {
    const r = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body !== undefined ? { "content-type": contentType } : {}),
      },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const json = (await r.json()) as Record<string, unknown>;
    if (!r.ok)
      throw new AdminRequestError(String(json.code ?? r.status), String(json.message ?? r.statusText));
    return json as T;
  };
  const q = (domain?: string, after?: string, limit?: number) => {
    const p = new URLSearchParams();
    if (domain) p.set("domain", domain);
    if (after) p.set("after", after);
    if (limit) p.set("limit", String(limit));
    const s = p.toString();
    return s ? `?${s}` : "";
  };
  const enc = encodeURIComponent;
  return {
    addUser: (input) => call("POST", "/users", input),
    listUsers: async (d, a, l) => (await call<{ users: UserSummary[] }>("GET", `/users${q(d, a, l)}`)).users,
    setPassword: async (id, password, temporary) =>
      void (await call("POST", `/users/${enc(id)}/password`, { password, temporary: temporary ?? false })),
    setDisabled: async (id, disabled) =>
      void (await call("POST", `/users/${enc(id)}/disabled`, { disabled })),
    issueActivation: (id) => call("POST", `/users/${enc(id)}/activation`),
    addDomain: (name) => call("POST", "/domains", { name }),
    listDomains: async () => (await call<{ domains: DomainRecord[] }>("GET", "/domains")).domains,
    setDomainDisabled: async (name, disabled) =>
      void (await call("POST", `/domains/${enc(name)}/disabled`, { disabled })),
    setDomainPushPreviews: (name, pushPreviews) => call("PATCH", `/domains/${enc(name)}`, { pushPreviews }),
    importUsers: (domain, text, kind, opts) => {
      const p = new URLSearchParams({
        dryRun: String(opts.dryRun),
        passwords: String(opts.initialPasswords),
      });
      if (domain) p.set("domain", domain);
      return call("POST", `/import/users?${p}`, text, kind === "json" ? "application/json" : "text/csv");
    },
    createGroup: (input) => call("POST", "/groups", input),
    addMembers: async (g, userIds) => void (await call("POST", `/groups/${enc(g)}/members`, { userIds })),
    removeMembers: async (g, userIds) =>
      void (await call("POST", `/groups/${enc(g)}/members/remove`, { userIds })),
    listGroups: async (d, a, l) =>
      (await call<{ groups: GroupSummary[] }>("GET", `/groups${q(d, a, l)}`)).groups,
    addLink: (link) =>
      call("POST", "/federation/links", {
        peerDomain: link.peerDomain,
        endpoint: link.endpoint,
        ...(link.pin ? { pin: link.pin } : {}),
        ...(link.caPath ? { ca: link.caPath } : {}),
        ...(link.allow ? { allow: link.allow } : {}),
      }),
    listLinks: async () => (await call<{ links: LinkState[] }>("GET", "/federation/links")).links,
    suspendLink: async (peer) => void (await call("POST", `/federation/links/${enc(peer)}/suspend`, {})),
    resumeLink: async (peer) => void (await call("POST", `/federation/links/${enc(peer)}/resume`, {})),
    removeLink: async (peer) => void (await call("DELETE", `/federation/links/${enc(peer)}`)),
    addBot: (id, displayName) => call("POST", "/bots", { id, ...(displayName ? { displayName } : {}) }),
    issueBotToken: (botId, scopes, label) =>
      call("POST", `/bots/${enc(botId)}/tokens`, { scopes, ...(label ? { label } : {}) }),
    listBotTokens: async (botId) =>
      (await call<{ tokens: BotTokenSummary[] }>("GET", `/bots/${enc(botId)}/tokens`)).tokens,
    revokeBotToken: async (botId, tokenId) =>
      void (await call("DELETE", `/bots/${enc(botId)}/tokens/${enc(tokenId)}`)),
    addHook: (groupId, botId, label) =>
      call("POST", `/groups/${enc(groupId)}/hooks`, { botId, ...(label ? { label } : {}) }),
    listHooks: async (groupId) =>
      (await call<{ hooks: WebhookSummary[] }>("GET", `/groups/${enc(groupId)}/hooks`)).hooks,
    revokeHook: async (groupId, hookId) =>
      void (await call("DELETE", `/groups/${enc(groupId)}/hooks/${enc(hookId)}`)),
    close: async () => {},
  };
}

async function directAdmin(config: StarlingConfig): Promise<AdminApi> {
  const { admin, core, federation, store, bus, presence, blobs } = await openCore(
    config,
    createLogger("warn"),
  );
  const a: Admin = admin;
  // The CLI acts as the server administrator: a bare id is one of the default domain,
  // completed here as the admin API's routes do for their callers.
  const ctx = a.systemContext("cli");
  const full = (id: string, field?: string) => a.completeUserId(ctx, id, field);
  const hooks = { actor: ctx.actor, source: ctx.source, adminScope: ctx.scope };
  return {
    addUser: (input) => a.addUser(ctx, { ...input, id: full(input.id, "id") }),
    listUsers: (d, af, l) => a.listUsers(ctx, d, af, l),
    setPassword: (id, p, t) => a.setPassword(ctx, full(id), p, t),
    setDisabled: (id, d) => a.setDisabled(ctx, full(id), d),
    issueActivation: (id) => a.issueActivation(ctx, full(id)),
    addDomain: (name) => a.addDomain(ctx, name),
    listDomains: () => a.listDomains(ctx),
    setDomainDisabled: (name, d) => a.setDomainDisabled(ctx, name, d),
    setDomainPushPreviews: (name, p) => a.setDomainPushPreviews(ctx, name, p),
    importUsers: (domain, text, kind, opts) => a.importUsers(ctx, domain, text, kind, opts),
    createGroup: (input) =>
      a.createGroup(ctx, {
        name: input.name,
        owner: full(input.owner, "owner"),
        members: input.members.map((m) => full(m, "members")),
      }),
    addMembers: (g, ids) =>
      a.addMembers(
        ctx,
        g,
        ids.map((id) => full(id, "user_ids")),
      ),
    removeMembers: (g, ids) =>
      a.removeMembers(
        ctx,
        g,
        ids.map((id) => full(id, "user_ids")),
      ),
    listGroups: (d, af, l) => a.listGroups(ctx, d, af, l),
    addLink: (link) => federation.links.add(ctx, link),
    listLinks: async () =>
      Promise.all(
        (await federation.links.list(ctx)).map(async (l) => ({
          ...l,
          queued: await federation.outbox.depth(l.peerDomain),
          appliedSeq: await federation.inbox.mark(l.peerDomain),
        })),
      ),
    suspendLink: (peer) => federation.links.suspend(ctx, peer),
    resumeLink: (peer) => federation.links.resume(ctx, peer),
    removeLink: (peer) => federation.links.remove(ctx, peer),
    addBot: (id, displayName) => core.bots.create(ctx, a.target(ctx, full(id, "id"), "id"), displayName),
    issueBotToken: (botId, scopes, label) => core.bots.issueToken(ctx, full(botId), label ?? "", scopes),
    listBotTokens: (botId) => core.bots.listTokens(full(botId)),
    revokeBotToken: (botId, tokenId) => core.bots.revokeToken(ctx, full(botId), tokenId),
    addHook: (groupId, botId, label) =>
      core.webhooks.create(hooks, groupId, full(botId, "botId"), label ?? ""),
    listHooks: (groupId) => core.webhooks.list(hooks, groupId),
    revokeHook: (groupId, hookId) => core.webhooks.revoke(hooks, groupId, hookId),
    close: async () => {
      await presence.close?.();
      await bus.close?.();
      await store.close();
      await blobs.close?.();
    },
  };
}
