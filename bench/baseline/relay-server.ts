/**
 * The baseline: a relay that speaks just enough of the native protocol for
 * the load generator (hello, ping, send, create_group) over the same
 * transports as the server (TLS with length-prefixed frames, WebSocket via
 * ws), and does nothing else: no storage, no validation, no general codec.
 * Run by `npm run bench -- --baseline` on the same machine in the same
 * process tree, it shows what the transport alone costs here, so the
 * server's figures can be read as ratios to it (house rule 9).
 *
 *   node --conditions=starling-source --import tsx bench/baseline/relay-server.ts --data-dir DIR
 * writes DIR/server.json like `starling serve` and stops on SIGTERM.
 */
import { writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import tls from "node:tls";
import { parseArgs } from "node:util";
import { encodeEnvelope, encodeFrame, FrameDecoder } from "@starling/protocol";
import { generate } from "selfsigned";
import { WebSocketServer } from "ws";
import { BENCH_DOMAIN } from "../lib/users.js";
import { conversation, messagePush, parseRequest, response, sendAck } from "./relay-codec.js";

interface Client {
  user: number;
  write(frame: Uint8Array): void;
}

/** Connections and conversations of the relay: ids are those of the bench (u<i>@domain, tokens "<salt>.<i>"). */
class Relay {
  private readonly byUser = new Map<number, Set<Client>>();
  private readonly groups = new Map<string, number[]>();
  private readonly seqs = new Map<string, number>();

  onFrame(c: Client, frame: Uint8Array): void {
    const req = parseRequest(frame);
    if (!req) return;
    if (req.body === 10) this.hello(c, req.id, req.token);
    else if (c.user < 0) return;
    else if (req.body === 11) c.write(response(req.id, 11, new Uint8Array(0)));
    else if (req.body === 20)
      this.send(c, req.id, req.toUserId, req.conversationId, req.clientMsgId, req.content);
    else if (req.body === 40) this.createGroup(c, req.id, req.memberIds);
  }

  closed(c: Client): void {
    const set = this.byUser.get(c.user);
    set?.delete(c);
    if (set?.size === 0) this.byUser.delete(c.user);
  }

  private hello(c: Client, id: number, token: string): void {
    c.user = Number(token.slice(token.lastIndexOf(".") + 1));
    let set = this.byUser.get(c.user);
    if (!set) this.byUser.set(c.user, (set = new Set()));
    set.add(c);
    const welcome = {
      version: 1,
      userId: userId(c.user),
      heartbeatIntervalMs: 25_000,
      serverVersion: "relay",
    };
    c.write(
      encodeEnvelope({
        kind: { case: "response", value: { id, body: { case: "welcome", value: welcome } } },
      }),
    );
  }

  private send(
    c: Client,
    id: number,
    to: string,
    convId: string,
    clientMsgId: Uint8Array,
    content: Uint8Array,
  ): void {
    let members: readonly number[] | undefined;
    if (to) {
      const peer = indexOf(to);
      members = [c.user, peer];
      convId = c.user < peer ? `d:${userId(c.user)}|${to}` : `d:${to}|${userId(c.user)}`;
    } else {
      members = this.groups.get(convId);
    }
    if (!members) return;
    const seq = (this.seqs.get(convId) ?? 0) + 1;
    this.seqs.set(convId, seq);
    const now = Date.now();
    // Like the server: the ack first, then one encoded push written to every member's sessions.
    c.write(response(id, 20, sendAck(convId, seq, now)));
    this.publish(members, messagePush(convId, seq, userId(c.user), clientMsgId, now, content));
  }

  private createGroup(c: Client, id: number, memberIds: string[]): void {
    const convId = `g:relay${this.groups.size.toString().padStart(10, "0")}`;
    const members = [c.user, ...memberIds.map(indexOf)];
    this.groups.set(convId, members);
    this.seqs.set(convId, 1);
    c.write(response(id, 31, conversation(convId)));
    this.publish(
      members,
      messagePush(convId, 1, userId(c.user), Buffer.from("event-1"), Date.now(), new Uint8Array(0)),
    );
  }

  private publish(members: readonly number[], frame: Uint8Array): void {
    for (const m of members) for (const s of this.byUser.get(m) ?? []) s.write(frame);
  }
}

const userId = (i: number) => `u${i}@${BENCH_DOMAIN}`;
const indexOf = (id: string) => Number(id.slice(1, id.indexOf("@")));

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { "data-dir": { type: "string" } } });
  const dir = values["data-dir"];
  if (!dir) throw new Error("usage: relay-server.ts --data-dir DIR");
  const relay = new Relay();
  // The same key type as the server's self-signed certificate, so handshakes cost the same.
  const pems = await generate([{ name: "commonName", value: BENCH_DOMAIN }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
  });

  const tcp = tls.createServer({ key: pems.private, cert: pems.cert, minVersion: "TLSv1.2" }, (socket) => {
    socket.setNoDelay(true);
    const decoder = new FrameDecoder();
    const c: Client = { user: -1, write: (f) => socket.write(encodeFrame(f)) };
    socket.on("data", (chunk: Buffer) => {
      for (const f of decoder.push(chunk)) relay.onFrame(c, f);
    });
    socket.on("error", () => {});
    socket.on("close", () => relay.closed(c));
  });
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false });
  const web = http.createServer((_req, res) => res.writeHead(404).end());
  web.on("upgrade", (req, socket, head) => {
    if ((req.url ?? "").split("?")[0] !== "/ws") {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const c: Client = { user: -1, write: (f) => ws.send(f, { binary: true }) };
      ws.on("message", (data: Buffer) => relay.onFrame(c, data));
      ws.on("error", () => {});
      ws.on("close", () => relay.closed(c));
    });
  });
  await new Promise<void>((r) => tcp.listen(0, "127.0.0.1", r));
  await new Promise<void>((r) => web.listen(0, "127.0.0.1", r));
  const info = {
    pid: process.pid,
    tcpPort: (tcp.address() as AddressInfo).port,
    httpPort: (web.address() as AddressInfo).port,
    tls: true,
    domain: BENCH_DOMAIN,
  };
  writeFileSync(join(dir, "server.json"), JSON.stringify(info));
  process.once("SIGTERM", () => process.exit(0));
}

main().catch((err: unknown) => {
  process.stderr.write(`relay: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
