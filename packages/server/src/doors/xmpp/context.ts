import type { Core } from "../../core/core.js";
import type { Logger } from "../../core/kernel/ports.js";
import type { StanzaErrorType, XElement } from "./stanza.js";
import type { XmppConfig } from "./xmpp-config.js";

/** What the stanza handlers need of the session they serve. */
export interface RouterSession {
  readonly id: string;
  /** The bare JID, which is the Starling user id. */
  readonly userId: string;
  readonly fullJid: string;
  readonly domain: string;
  /** The host the client reached this server at (see XmppTransport). */
  readonly reachedHost: string;
  /** The gateway's settings, which rendering needs (download URLs). */
  readonly config: XmppConfig;
  send(e: XElement): void;
  /** When the session was bound (ms): what it has been shown counts from here. */
  readonly boundAt: number;
  /** Stanzas sent so far as XEP-0198 counts them; undefined without stream management. */
  readonly sentCount: number | undefined;
  /** Another established XMPP session on this node, by user and resource (for IQs between clients). */
  peerAt(userId: string, resource: string): RouterSession | undefined;
  /**
   * Hands a stanza to a resource of a user connected to another node of the
   * cluster; false when nobody else can have it (the user is connected nowhere, or there is no other node).
   */
  relayTo(userId: string, resource: string, stanza: XElement): boolean;
}

/**
 * What every part of the gateway's stanza handling (chat, MUC, MAM, upload)
 * works with: the session, the core, and the ways to answer a stanza.
 */
export interface XmppContext {
  readonly session: RouterSession;
  readonly core: Core;
  readonly log: Logger;
  readonly config: XmppConfig;
  /** An IQ result, from the entity the IQ was sent to. */
  result(iq: XElement, payload?: XElement): void;
  /** A stanza error (RFC 6120 section 8.3) answering `stanza`. */
  error(stanza: XElement, type: StanzaErrorType, condition: string, text?: string): void;
  /** The stanza error a failure (a StarlingError or anything else) means, logged when unexpected. */
  failed(stanza: XElement, err: unknown): void;
  /** Answers an IQ with what `make` builds, or with the stanza error its failure means. */
  answer(iq: XElement, make: () => Promise<XElement | undefined>): void;
}

/**
 * The resource that stands for a user as the core sees them: their native
 * sessions and their presence across devices. Other users' messages,
 * receipts, markers, chat states and presence come from it, so that a client
 * has a full JID to answer (XEP-0184 and XEP-0333 replies, disco, ping), and
 * no XMPP session may bind it.
 */
export const NATIVE_RESOURCE = "starling";
/** A user's full JID at the native resource. */
export const nativeJid = (userId: string) => `${userId}/${NATIVE_RESOURCE}`;

/** The MUC service's domain for a Starling domain (XEP-0045 rooms are `<group>@conference.<domain>`). */
export const conferenceDomain = (domain: string) => `conference.${domain}`;
/** The HTTP upload service's domain (XEP-0363). */
export const uploadDomain = (domain: string) => `upload.${domain}`;

/** A group conversation's room JID: `g:abc` -> `abc@conference.<domain>`. */
export function roomJid(conversationId: string, domain: string): string {
  return `${conversationId.slice(2)}@${conferenceDomain(domain)}`;
}

/** The group conversation a room's local part names, if it can be one. */
export function roomConversation(local: string): string | undefined {
  return /^[a-z0-9]{10,40}$/.test(local) ? `g:${local}` : undefined;
}
