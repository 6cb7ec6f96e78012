import { createHash } from "node:crypto";
import { MAM_FEATURES } from "./mam.js";
import { PUSH_NS } from "./push-enable.js";
import { el, NS, type XElement } from "./stanza.js";

/*
 * Where features are advertised follows what ejabberd and Prosody do, since
 * that is where clients look. The server JID carries what the server does for
 * every account (carbons, ping, vCards); the archive (MAM) and stanza-ids are
 * the account's, on its bare JID, as both servers put them. The archive is on
 * the server JID too: profanity and some bots look for `urn:xmpp:mam:2` only
 * there before they query. Upload lives on `upload.<domain>` (found through
 * disco#items), as a separate service in both. Nothing is listed that is not
 * answered: no blocking (XEP-0191), PEP or version. Push (XEP-0357) is listed on the account,
 * where section 5 has clients look, only when the server delivers to app servers.
 */

const CAPS = "http://jabber.org/protocol/caps";
/** The caps node (XEP-0115) of the native clients. */
const NATIVE_CAPS_NODE = "https://starling.chat/native";

/** The features disco#info lists for the server (XEP-0030). */
export const SERVER_FEATURES = [
  NS.discoInfo,
  NS.discoItems,
  NS.ping,
  NS.stanzaId,
  NS.vcard,
  NS.carbons,
  ...MAM_FEATURES,
  NS.receipts,
  NS.markers,
  NS.retract,
  NS.correct,
  NS.reactions,
  // Offline messages are delivered at the initial presence (offline-delivery.ts).
  "msgoffline",
] as const;

/** The features of a user's account (its bare JID): the archive lives there. */
export const ACCOUNT_FEATURES = [
  NS.discoInfo,
  NS.discoItems,
  NS.ping,
  ...MAM_FEATURES,
  NS.stanzaId,
  `${NS.retract}#tombstone`,
] as const;

/**
 * What a native client (the resource that stands for a user's native
 * sessions) supports, as a client would describe itself: receipts, markers,
 * chat states, retraction, corrections and reactions reach it through the core.
 */
export const NATIVE_CLIENT_FEATURES = [
  NS.discoInfo,
  NS.ping,
  NS.receipts,
  NS.markers,
  NS.chatStates,
  NS.retract,
  NS.correct,
  NS.reactions,
  NS.oob,
  CAPS,
].sort();

const NATIVE_IDENTITY = { category: "client", type: "pc", name: "Starling" } as const;

const query = (identity: Record<string, string>, features: readonly string[], node?: string) =>
  el(
    "query",
    { xmlns: NS.discoInfo, node },
    el("identity", identity),
    ...features.map((f) => el("feature", { var: f })),
  );

export const serverInfo = (): XElement =>
  query({ category: "server", type: "im", name: "Starling" }, SERVER_FEATURES);

export const accountInfo = (push: boolean): XElement =>
  query(
    { category: "account", type: "registered" },
    push ? [...ACCOUNT_FEATURES, PUSH_NS] : ACCOUNT_FEATURES,
  );

/** The verification string of XEP-0115 section 5.1: identities, then features, each followed by `<`. */
function capsVer(): string {
  const i = NATIVE_IDENTITY;
  const s = `${i.category}/${i.type}//${i.name}<${NATIVE_CLIENT_FEATURES.map((f) => `${f}<`).join("")}`;
  return createHash("sha1").update(s).digest("base64");
}
const NATIVE_VER = capsVer();

/** The entity capabilities element (XEP-0115) native users' presence carries. */
export const nativeCaps = (): XElement =>
  el("c", { xmlns: CAPS, hash: "sha-1", node: NATIVE_CAPS_NODE, ver: NATIVE_VER });

/**
 * disco#info of a native user's resource, for no node or the caps node the
 * presence named; undefined for any other node (item-not-found).
 */
export function nativeClientInfo(node: string | undefined): XElement | undefined {
  if (node && node !== `${NATIVE_CAPS_NODE}#${NATIVE_VER}`) return undefined;
  return query(NATIVE_IDENTITY, NATIVE_CLIENT_FEATURES, node);
}
