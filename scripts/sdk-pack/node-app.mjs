// Copied into a fresh Node project that installed the packed @starling/protocol and @starling/sdk:
// logs in as alice over TCP+TLS and sends bob a message.  node app.mjs PORT
import { createNodeClient, ErrorCode } from "@starling/sdk/node";

const client = createNodeClient({
  endpoints: [`tls://127.0.0.1:${process.argv[2]}`],
  auth: { userId: "alice", password: "alice-password-1" },
  device: { appVersion: "pack-test", deviceId: "node-app" },
  tls: { rejectUnauthorized: false },
});
const welcome = await client.connect();
const ack = await client.send({ to: "bob", text: "from the packed SDK in Node" });
console.log(JSON.stringify({ userId: welcome.userId, seq: String(ack.seq), codes: typeof ErrorCode }));
await client.close();
