import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { after, before, describe, test } from "node:test";
import { type Client, login } from "../helpers/clients.js";
import { passwordOf, startTestServer, type TestServer } from "../helpers/test-server.js";

const DOMAIN = "starling.local";
/** Debian's python, which python3-slixmpp installs into (not whichever python3 is first on PATH). */
const PYTHON = process.env.STARLING_PYTHON ?? "/usr/bin/python3";
const SCRIPT = join(import.meta.dirname, "slixmpp_client.py");

/** Why the slixmpp test cannot run here, if it cannot. */
const slixmppMissing = (() => {
  const r = spawnSync(PYTHON, ["-c", "import slixmpp, aiohttp"], { stdio: "ignore" });
  return r.status === 0
    ? undefined
    : `slixmpp is not importable by ${PYTHON} (apt-get install python3-slixmpp)`;
})();
if (slixmppMissing) console.log(`# skipped: ${slixmppMissing}`);

type Step = { step: string } & Record<string, unknown>;

/** The slixmpp scenario as a child process whose JSON lines the test waits on. */
class SlixmppRun {
  readonly steps: Step[] = [];
  readonly stderr: string[] = [];
  exit: number | null | undefined;
  private wake: (() => void)[] = [];
  private readonly proc: ChildProcess;

  constructor(args: string[]) {
    this.proc = spawn(PYTHON, [SCRIPT, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    createInterface({ input: this.proc.stdout as NodeJS.ReadableStream }).on("line", (line) => {
      try {
        this.steps.push(JSON.parse(line) as Step);
      } catch {
        this.stderr.push(line);
      }
      this.notify();
    });
    this.proc.stderr?.on("data", (d: Buffer) => this.stderr.push(d.toString("utf8")));
    this.proc.on("exit", (code) => {
      this.exit = code;
      this.notify();
    });
  }

  /** Resolves with the step once slixmpp reports it; fails on its error or exit. */
  async step(name: string): Promise<Step> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const found = this.steps.find((s) => s.step === name);
      if (found) return found;
      const error = this.steps.find((s) => s.step === "error");
      if (error)
        throw new Error(`slixmpp failed before ${name}: ${String(error.error)}\n${this.stderr.join("")}`);
      if (this.exit !== undefined)
        throw new Error(`slixmpp exited (${this.exit}) before ${name}: ${this.stderr.join("")}`);
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for slixmpp's ${name}: ${this.stderr.join("").slice(-2000)}`);
      await new Promise<void>((r) => {
        this.wake.push(r);
        setTimeout(r, 500).unref();
      });
    }
  }

  async exited(): Promise<number | null> {
    while (this.exit === undefined) await new Promise<void>((r) => this.wake.push(r));
    return this.exit;
  }

  kill(): void {
    if (this.exit === undefined) this.proc.kill();
  }

  private notify(): void {
    const w = this.wake;
    this.wake = [];
    for (const f of w) f();
  }
}

describe("slixmpp (Debian's python3-slixmpp) as a user of the XMPP gateway", { skip: slixmppMissing }, () => {
  let ts: TestServer;
  let bob: Client;
  let run: SlixmppRun | undefined;

  before(async () => {
    ts = await startTestServer({ "xmpp.port": 0 });
    for (const name of ["bob", "sam"]) await ts.addUser(name);
    bob = await login(ts, "bob");
  });
  after(async () => {
    run?.kill();
    await bob.close();
    await ts.close();
  });

  test("login, roster, offline delivery, 1:1 with receipts and markers, a room, MAM, upload, resumption", async () => {
    const conv = `d:bob@${DOMAIN}|sam@${DOMAIN}`;
    const group = await bob.sdk.createGroup("Interop", [`sam@${DOMAIN}`]);
    const room = `${group.id.slice(2)}@conference.${DOMAIN}`;
    await bob.sdk.send({ to: "sam", text: "sent while you were offline" });
    run = new SlixmppRun([
      String(ts.server.xmppPort),
      `sam@${DOMAIN}`,
      passwordOf("sam"),
      `bob@${DOMAIN}`,
      room,
    ]);

    const roster = await run.step("roster");
    assert.ok((roster.items as string[]).includes(`bob@${DOMAIN}`), `roster: ${String(roster.items)}`);
    const offline = await run.step("offline");
    assert.match(String(offline.delay), /^\d{4}-\d\d-\d\d/, "a XEP-0203 delay");
    assert.match(String(offline.stanza_id), /^d:bob@starling\.local\|sam@starling\.local:\d+$/);

    await run.step("sent");
    await bob.until(
      () => bob.in(conv).some((m) => m.content?.text === "hello from slixmpp"),
      "slixmpp's message",
    );
    const ack = await bob.sdk.send({ to: "sam", text: "hello slixmpp" });
    const received = await run.step("received");
    assert.equal(received.sender, `bob@${DOMAIN}/starling`);
    await bob.until(
      () =>
        bob.list("receipt").some((r) => r.conversationId === conv && r.deliveredSeq >= ack.seq) &&
        bob.list("receipt").some((r) => r.conversationId === conv && r.readSeq >= ack.seq),
      "slixmpp's receipt and displayed marker",
    );

    await run.step("room");
    await bob.until(() => bob.in(group.id).some((m) => m.content?.text === "hello room"), "the room message");

    const mam = await run.step("mam");
    assert.deepEqual(mam.bodies, ["sent while you were offline", "hello from slixmpp", "hello slixmpp"]);

    const upload = await run.step("upload");
    assert.deepEqual([upload.status, upload.content], [200, "hello"]);
    assert.match(String(upload.url), new RegExp(`^http://127\\.0\\.0\\.1:${ts.server.httpPort}/`));

    await run.step("resumed");
    await bob.sdk.send({ to: "sam", text: "after resuming" });
    await run.step("done");
    assert.equal(await run.exited(), 0);
  });
});
