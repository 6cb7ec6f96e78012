import assert from "node:assert/strict";
import { test } from "node:test";
import {
  checkOnboardingDocument,
  formatInviteLink,
  InviteLinkError,
  type OnboardingDocument,
  parseInviteLink,
} from "../src/index.js";

const HASH = "0123456789abcdef".repeat(4);
const DOC_URL = "http://im.corp.example:8080/.well-known/starling?domain=corp.example";

function doc(fingerprint: string | null): OnboardingDocument {
  return {
    domain: "corp.example",
    serverVersion: "0.1.0",
    endpoints: { native: "tls://im.corp.example:5202", websocket: "ws://im.corp.example:8080/ws", http: "" },
    tls: fingerprint === null ? null : { fingerprintSha256: fingerprint },
    loginMethods: ["password", "token"],
    passwordRules: { minLength: 8, maxLength: 256, notUserId: true },
  };
}

test("an invite link keeps the document URL apart from what the fragment carries", () => {
  const link = formatInviteLink({
    documentUrl: DOC_URL,
    sha256: HASH,
    userId: "wang@corp.example",
    code: "7K3M-Q9TD-X2VA",
  });
  assert.equal(link, `${DOC_URL}#sha256=${HASH}&user=wang%40corp.example&code=7K3M-Q9TD-X2VA`);
  assert.deepEqual(parseInviteLink(link), {
    documentUrl: DOC_URL,
    sha256: HASH,
    userId: "wang@corp.example",
    code: "7K3M-Q9TD-X2VA",
  });
  // The colon form of the fingerprint, in upper case, reads the same.
  const colons = HASH.toUpperCase().replace(/(..)(?=.)/g, "$1:");
  assert.equal(parseInviteLink(`${DOC_URL}#sha256=${colons}`).sha256, HASH);
  assert.throws(() => parseInviteLink(`${DOC_URL}#sha256=abc`), InviteLinkError);
  assert.throws(() => parseInviteLink("starling is great"), InviteLinkError);
  assert.throws(() => parseInviteLink("ftp://x/.well-known/starling"), InviteLinkError);
});

test("the document must name the certificate the link names", () => {
  const link = parseInviteLink(`${DOC_URL}#sha256=${HASH}`);
  checkOnboardingDocument(doc(HASH.toUpperCase().replace(/(..)(?=.)/g, "$1:")), link);
  assert.throws(() => checkOnboardingDocument(doc("ab".repeat(32)), link), /not the one the invite names/);
  assert.throws(() => checkOnboardingDocument(doc(null), link), /not the one the invite names/);
  const bare = parseInviteLink(DOC_URL);
  assert.throws(() => checkOnboardingDocument(doc(HASH), bare), /carries no certificate hash/);
  checkOnboardingDocument(doc(null), bare);
});
