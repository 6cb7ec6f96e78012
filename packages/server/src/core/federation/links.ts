import type { AuditContext, Auditor } from "../directory/audit.js";
import { ErrorCode, forbidden, invalid, StarlingError } from "../kernel/errors.js";
import { completeUserId, isValidDomain } from "../kernel/ids.js";
import {
  DEPARTMENT_LIMITS,
  FEDERATION_LIMITS,
  MAX_CONVERSATION_ID_LENGTH,
  MAX_USER_ID_LENGTH,
} from "../kernel/limits.js";
import type { Clock } from "../kernel/ports.js";
import type { FederationAllowList, FederationLinkRecord } from "../kernel/records.js";
import type { FederationStore } from "./store.js";

/** Who manages links: the audit context and the domain scope ("*": the server administrator). */
export interface LinkCaller extends AuditContext {
  scope: string;
}

export interface NewLink {
  peerDomain: string;
  endpoint: string;
  pin?: string;
  caPath?: string;
  allow?: Partial<FederationAllowList>;
}

/** A SHA-256 fingerprint as `X509Certificate.fingerprint256` and the onboarding document write it. */
const PIN = /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/;
const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;
const USER_ID = /^[^@\s]+@[^@\s]+$/;

/** Normalises a pin to upper-case colon hex; throws INVALID_ARGUMENT when it is not SHA-256. */
export function normalisePin(pin: string): string {
  const p = pin.trim().toUpperCase();
  if (!PIN.test(p)) throw invalid("the pin is a SHA-256 fingerprint in colon hex (AB:CD:...)", "pin");
  return p;
}

function checkEndpoint(endpoint: string): string {
  const m = HOST_PORT.exec(endpoint);
  const port = Number(m?.[2] ?? 0);
  if (!m || endpoint.length > FEDERATION_LIMITS.endpointLength || port < 1 || port > 65535)
    throw invalid("the endpoint is host:port", "endpoint");
  return endpoint;
}

function checkList(list: string[] | undefined, field: string, maxLength: number, shape?: RegExp): string[] {
  const out = [...new Set(list ?? [])];
  if (out.length > FEDERATION_LIMITS.allowEntries)
    throw invalid(`at most ${FEDERATION_LIMITS.allowEntries} entries`, field);
  for (const v of out)
    if (v.length === 0 || v.length > maxLength || (shape && !shape.test(v)))
      throw invalid(`not a valid entry: ${v.slice(0, 40)}`, field);
  return out;
}

/**
 * Links to other domains: added, suspended, resumed and removed by the
 * server administrator, each change audited in its own transaction. The
 * door asks `require` whether a peer may talk to us now.
 */
export class FederationLinks {
  private readonly listeners: ((peerDomain: string) => void)[] = [];

  constructor(
    private readonly store: FederationStore,
    private readonly auditor: Auditor,
    private readonly clock: Clock,
    private readonly localDomain: string,
  ) {}

  /** Called after a link change commits (the link runner starts or stops its dialler). */
  onChange(listener: (peerDomain: string) => void): void {
    this.listeners.push(listener);
  }

  async add(caller: LinkCaller, input: NewLink): Promise<FederationLinkRecord> {
    this.authorise(caller);
    const peerDomain = input.peerDomain.trim().toLowerCase();
    if (!isValidDomain(peerDomain)) throw invalid("not a domain name", "peer_domain");
    if (peerDomain === this.localDomain) throw invalid("a domain does not link to itself", "peer_domain");
    const pin = input.pin ? normalisePin(input.pin) : "";
    const caPath = input.caPath?.trim() ?? "";
    if ((pin === "") === (caPath === "")) throw invalid("give either a pin or a CA file", "pin");
    if (caPath.length > FEDERATION_LIMITS.caPathLength) throw invalid("the CA path is too long", "ca");
    const allow: FederationAllowList = {
      // Bare ids are this side's users: the allow-list names who the peer may reach here.
      users: checkList(
        input.allow?.users?.map((u) => completeUserId(u, this.localDomain, "allow.users")),
        "allow.users",
        MAX_USER_ID_LENGTH,
        USER_ID,
      ),
      departments: checkList(input.allow?.departments, "allow.departments", DEPARTMENT_LIMITS.idLength),
      groups: checkList(input.allow?.groups, "allow.groups", MAX_CONVERSATION_ID_LENGTH),
    };
    const now = this.clock.now();
    const link: FederationLinkRecord = {
      peerDomain,
      localDomain: this.localDomain,
      endpoint: checkEndpoint(input.endpoint.trim()),
      pin,
      caPath,
      allow,
      state: "active",
      createdAt: now,
      updatedAt: now,
    };
    await this.store.transaction(async (tx) => {
      if (!(await tx.insertFederationLink(link)))
        throw new StarlingError(ErrorCode.CONFLICT, `a link to ${peerDomain} exists`);
      await this.auditor.record(tx, caller, this.localDomain, "federation.add", peerDomain, {
        endpoint: link.endpoint,
        trust: pin ? "pin" : "ca",
        allow,
      });
    });
    this.changed(peerDomain);
    return link;
  }

  async list(caller: LinkCaller): Promise<FederationLinkRecord[]> {
    this.authorise(caller);
    return this.store.read.listFederationLinks();
  }

  async get(peerDomain: string): Promise<FederationLinkRecord | undefined> {
    return this.store.read.getFederationLink(peerDomain);
  }

  /** The peers of the active links, whose runners start with the server. */
  async activePeers(): Promise<string[]> {
    return (await this.store.read.listFederationLinks())
      .filter((l) => l.state === "active")
      .map((l) => l.peerDomain);
  }

  /** The active link to `peerDomain`, or FEDERATION_NOT_LINKED / FEDERATION_LINK_SUSPENDED. */
  async require(peerDomain: string): Promise<FederationLinkRecord> {
    const link = await this.store.read.getFederationLink(peerDomain);
    if (!link) throw new StarlingError(ErrorCode.FEDERATION_NOT_LINKED, `no link to ${peerDomain}`);
    if (link.state !== "active")
      throw new StarlingError(ErrorCode.FEDERATION_LINK_SUSPENDED, `the link to ${peerDomain} is suspended`);
    return link;
  }

  suspend(caller: LinkCaller, peerDomain: string): Promise<void> {
    return this.setState(caller, peerDomain, "suspended");
  }

  resume(caller: LinkCaller, peerDomain: string): Promise<void> {
    return this.setState(caller, peerDomain, "active");
  }

  /** Removes the link and whatever it still had queued. */
  async remove(caller: LinkCaller, peerDomain: string): Promise<void> {
    this.authorise(caller);
    await this.store.transaction(async (tx) => {
      if (!(await tx.getFederationLink(peerDomain)))
        throw new StarlingError(ErrorCode.FEDERATION_NOT_LINKED, `no link to ${peerDomain}`);
      const queued = await tx.federationOutboxDepth(peerDomain);
      await tx.deleteFederationLink(peerDomain);
      await this.auditor.record(tx, caller, this.localDomain, "federation.remove", peerDomain, { queued });
    });
    this.changed(peerDomain);
  }

  private async setState(caller: LinkCaller, peerDomain: string, state: FederationLinkRecord["state"]) {
    this.authorise(caller);
    await this.store.transaction(async (tx) => {
      if (!(await tx.getFederationLink(peerDomain)))
        throw new StarlingError(ErrorCode.FEDERATION_NOT_LINKED, `no link to ${peerDomain}`);
      await tx.setFederationLinkState(peerDomain, state, this.clock.now());
      const action = state === "active" ? "federation.resume" : "federation.suspend";
      await this.auditor.record(tx, caller, this.localDomain, action, peerDomain);
    });
    this.changed(peerDomain);
  }

  /** A link joins two servers, so it is the server administrator's, not a domain's. */
  authorise(caller: LinkCaller): void {
    if (caller.scope !== "*") throw forbidden("only the server administrator manages federation links");
  }

  private changed(peerDomain: string): void {
    for (const l of this.listeners) l(peerDomain);
  }
}
