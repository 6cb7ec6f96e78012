import assert from "node:assert/strict";
import { test } from "node:test";
import {
  directConversationId,
  directPeers,
  isDirectConversationId,
  isValidClientMsgId,
  MAX_CLIENT_MSG_ID_LENGTH,
} from "../src/index.js";

test("a 1:1 conversation id is the same whichever side derives it, and gives back both users", () => {
  const id = directConversationId("bob@x.org", "alice@x.org");
  assert.equal(id, "d:alice@x.org|bob@x.org");
  assert.equal(directConversationId("alice@x.org", "bob@x.org"), id);
  assert.ok(isDirectConversationId(id));
  assert.deepEqual(directPeers(id), ["alice@x.org", "bob@x.org"]);
  assert.ok(!isDirectConversationId("g:0123456789"));
  assert.equal(directPeers("g:0123456789"), undefined);
  assert.equal(directPeers("d:nobar"), undefined);
});

test("a client_msg_id is 1 to the limit of printable ASCII characters", () => {
  assert.ok(isValidClientMsgId("0b6f7c1e-3a52-4c3e-9d1a-7f0e2b5c8a41"));
  assert.ok(isValidClientMsgId("x".repeat(MAX_CLIENT_MSG_ID_LENGTH)));
  for (const bad of ["", "x".repeat(MAX_CLIENT_MSG_ID_LENGTH + 1), "has space", "tab\t", "é", "\u007f"])
    assert.ok(!isValidClientMsgId(bad), JSON.stringify(bad));
  assert.ok(isValidClientMsgId("x".repeat(100), 100));
});
