// The page of a fresh Vite project that installed the packed SDK: logs in as alice over the
// server's WebSocket and sends bob a message, then says so in #result.
import { StarlingClient } from "@starling/sdk";

const result = document.getElementById("result");
const client = new StarlingClient({
  endpoints: [`ws://${location.host}/ws`],
  auth: { userId: "alice", password: "alice-password-1" },
  device: { platform: "browser", appVersion: "pack-test", deviceId: "vite-app" },
});
try {
  const welcome = await client.connect();
  const ack = await client.send({ to: "bob", text: "from the packed SDK in a browser" });
  result.textContent = `sent ${welcome.userId} ${ack.seq}`;
  await client.close();
} catch (err) {
  result.textContent = `failed ${err instanceof Error ? err.message : String(err)}`;
}
