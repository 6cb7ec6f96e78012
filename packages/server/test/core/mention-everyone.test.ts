import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ErrorCode, StarlingError } from "@starling/protocol";
import { type Client, login } from "../helpers/clients.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";

let ts: TestServer;
let olga: Client;
let mia: Client;
let adam: Client;
let group = "";

before(async () => {
  ts = await startTestServer();
  for (const n of ["olga", "mia", "adam"]) await ts.addUser(n);
  olga = await login(ts, "olga");
  mia = await login(ts, "mia");
  adam = await login(ts, "adam");
  const d = ts.domain;
  group = (await olga.sdk.createGroup("Ops", [`mia@${d}`, `adam@${d}`])).id;
  await olga.sdk.setMemberRole(group, `adam@${d}`, "admin");
});
after(async () => {
  for (const c of [olga, mia, adam]) await c.close();
  await ts.close();
});

const everyone = (conversationId: string) => ({
  conversationId,
  text: "@all standup now",
  mentions: [{ userId: "@all", offset: 0, length: 4 }],
});

const refused = (err: unknown) =>
  err instanceof StarlingError &&
  err.code === ErrorCode.FORBIDDEN &&
  err.details.reason === "mention_everyone" &&
  err.details.field === "content.mentions";

test("the owner and admins of a group may mention everyone", async () => {
  const a = await olga.sdk.send(everyone(group));
  const b = await adam.sdk.send(everyone(group));
  assert.ok(b.seq > a.seq);
  await mia.until(() => mia.in(group).filter((m) => m.content?.text === "@all standup now").length === 2);
  assert.deepEqual(
    mia
      .in(group)
      .at(-1)
      ?.content?.mentions.map((m) => m.userId),
    ["@all"],
  );
});

test("a plain member's @all is refused with a clear error, and nothing is stored", async () => {
  const before = (await olga.sdk.getConversation(group)).lastSeq;
  await assert.rejects(mia.sdk.send(everyone(group)), refused);
  // Mentioning people by id stays open to everyone.
  await mia.sdk.send({
    conversationId: group,
    text: "@olga ok",
    mentions: [{ userId: `olga@${ts.domain}`, offset: 0, length: 5 }],
  });
  assert.equal((await olga.sdk.getConversation(group)).lastSeq, before + 1n);
});

test("@all in a 1:1 chat is refused", async () => {
  const first = await mia.sdk.send({ to: `olga@${ts.domain}`, text: "hi" });
  await assert.rejects(mia.sdk.send(everyone(first.conversationId)), refused);
});

test("an edit keeps the rule: a member cannot turn a message into @all; a mention added by an edit is listed", async () => {
  const d = ts.domain;
  const ack = await mia.sdk.send({ conversationId: group, text: "standup soon" });
  await assert.rejects(
    mia.sdk.editMessage(group, ack.seq, {
      text: "@all standup now",
      mentions: [{ userId: "@all", offset: 0, length: 4 }],
    }),
    refused,
  );
  await mia.sdk.editMessage(group, ack.seq, {
    text: "@adam standup soon",
    mentions: [{ userId: `adam@${d}`, offset: 0, length: 5 }],
  });
  const page = await adam.sdk.listMentions();
  assert.ok(
    page.messages.some((m) => m.seq === ack.seq && m.content?.text === "@adam standup soon"),
    "the edited message is in adam's mentions",
  );
});
