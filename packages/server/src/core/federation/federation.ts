import { Auditor } from "../directory/audit.js";
import type { Clock, Random } from "../kernel/ports.js";
import type { StorePort } from "../kernel/shared-store.js";
import { FederationInbox } from "./inbox.js";
import { FederationLinks, type LinkCaller } from "./links.js";
import { FederationOutbox } from "./outbox.js";
import { PING_KIND, pingHandler, pingPayload } from "./ping.js";
import type { FederationPingRecord, FederationReads, FederationTx } from "./store.js";

export interface FederationDeps<Tx extends FederationTx = FederationTx> {
  store: StorePort<FederationReads, Tx>;
  clock: Clock;
  random: Random;
  /** This server's domain: the one its links speak for. */
  localDomain: string;
  /** The largest frame payload (federation.maxFrameBytes less the envelope around it). */
  maxPayloadBytes: number;
}

/**
 * Federation's module API: the links, the outbox each change enqueues into
 * and the inbox that applies what peers send, with the "ping" kind
 * registered. Later kinds register their handlers on `inbox`.
 */
export class Federation<Tx extends FederationTx = FederationTx> {
  readonly links: FederationLinks;
  readonly outbox: FederationOutbox;
  readonly inbox: FederationInbox<Tx>;
  readonly localDomain: string;
  private readonly store: StorePort<FederationReads, Tx>;

  constructor(deps: FederationDeps<Tx>) {
    this.store = deps.store;
    this.localDomain = deps.localDomain;
    this.links = new FederationLinks(
      deps.store,
      new Auditor(deps.clock, deps.random),
      deps.clock,
      deps.localDomain,
    );
    this.outbox = new FederationOutbox(deps.store, deps.clock, deps.random, deps.maxPayloadBytes);
    this.inbox = new FederationInbox<Tx>(deps.store);
    this.inbox.register(PING_KIND, pingHandler(deps.clock));
  }

  /** Queues a ping to the peer; resolves with its seq once it is stored. */
  async ping(caller: LinkCaller, peerDomain: string, body: string): Promise<number> {
    this.links.authorise(caller);
    return this.outbox.send(peerDomain, PING_KIND, pingPayload(body));
  }

  /** The pings received from the peer, in seq order. */
  async pings(caller: LinkCaller, peerDomain: string): Promise<FederationPingRecord[]> {
    this.links.authorise(caller);
    return this.store.read.listFederationPings(peerDomain);
  }
}
