// Run by scripts/test-container.sh from inside an unpacked archive, so that it uses the packed
// SDK: bob logs in on one node, alice on another sends him a message, and it must be pushed to
// bob (across the cluster bus) within 20 s.
//   lib/node package-crossnode.mjs SENDER_ENDPOINT RECEIVER_ENDPOINT
import { createNodeClient } from "@starling/sdk/node";

const [from, to] = process.argv.slice(2);
if (!from || !to) throw new Error("usage: package-crossnode.mjs SENDER_ENDPOINT RECEIVER_ENDPOINT");
const text = `across the nodes ${Date.now()}`;
const client = (endpoint, userId, password) =>
  createNodeClient({
    endpoints: [endpoint],
    auth: { userId, password },
    device: { deviceId: `${userId}-test` },
  });

const bob = client(to, "bob", "bob-password-1");
const received = new Promise((resolve) => {
  bob.on("message", (m) => {
    if (m.content?.text === text) resolve(m);
  });
});
await bob.connect();
const alice = client(from, "alice", "alice-password-1");
await alice.connect();
const timer = setTimeout(() => {
  console.error(`bob on ${to} did not get the message alice sent on ${from}`);
  process.exit(1);
}, 20_000);
const ack = await alice.send({ to: "bob", text });
const m = await received;
clearTimeout(timer);
console.log(`sent on ${from} (seq ${ack.seq}), pushed to bob on ${to} (seq ${m.seq})`);
await alice.close();
await bob.close();
