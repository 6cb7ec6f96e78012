import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { BIN, ChildServer, starling, starlingFails } from "../../server/test/helpers/child-server.js";

const dataDir = mkdtempSync(join(tmpdir(), "starling-cli-"));
const home = mkdtempSync(join(tmpdir(), "starling-home-"));
const env = { STARLING_HOME: home };
const d = ["--data-dir", dataDir];

/**
 * Runs `cmd` on a pseudo-terminal (script(1)); each time its output ends with
 * a prompt, types the answer. Resolves with everything it wrote.
 */
function onTerminal(cmd: string, env: NodeJS.ProcessEnv, answers: [string, string][]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("script", ["-qec", cmd, "/dev/null"], { env, stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let next = 0;
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const a = answers[next];
      if (a && out.endsWith(a[0])) {
        next++;
        child.stdin.write(a[1]);
      }
    });
    child.on("error", reject);
    child.on("close", (code) => {
      child.stdin.end();
      if (code === 0) resolve(out);
      else reject(new Error(`exit ${code}: ${out}`));
    });
  });
}

describe("the starling command", () => {
  const server = new ChildServer(dataDir);
  before(() => {
    // Offline: no server is running yet, so these go straight to the database.
    starling(["user", "add", "alice", "--password", "alice-password", ...d]);
    starling(["user", "add", "bob", "--password", "bob-password", "--name", "Bob B", ...d]);
  });
  after(async () => {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });

  test("config check accepts a good configuration and lists every problem of a bad one", () => {
    assert.match(starling(["config", "check", ...d]), /configuration is valid/);
    const file = join(dataDir, "bad.json");
    writeFileSync(file, JSON.stringify({ tcp: { port: 99999 }, http: { port: "x" }, nonsense: 1 }));
    const r = starlingFails(["config", "check", "--config", file], {
      env: { STARLING_DOMAIN: "Not A Domain" },
    });
    assert.equal(r.status, 2);
    for (const p of ["tcp.port", "http.port", "nonsense", "domain"]) assert.match(r.stderr, new RegExp(p));
  });

  test("users and groups are managed while the server runs", async () => {
    await server.start();
    starling(["user", "add", "carol", "--password", "carol-password", ...d]);
    const users = starling(["user", "list", ...d]);
    for (const u of ["admin", "alice", "bob", "carol"])
      assert.match(users, new RegExp(`^${u}@starling.local`, "m"));
    assert.match(users, /bob@starling.local\tBob B/);
    const created = starling(["group", "create", "Ops", "--owner", "alice", "--members", "bob", ...d]);
    const gid = created.split("\t")[0] as string;
    assert.match(gid, /^g:/);
    starling(["group", "add-member", gid, "carol", ...d]);
    assert.match(starling(["group", "list", ...d]), new RegExp(`${gid}\\tOps\\t3 members`));
    starling(["group", "remove-member", gid, "carol", ...d]);
    assert.match(starling(["group", "list", ...d]), new RegExp(`${gid}\\tOps\\t2 members`));
    const dup = starlingFails(["user", "add", "carol", "--password", "carol-password", ...d]);
    assert.match(dup.stderr, /already exists/);
  });

  test("send and history work from scripts; login saves a session", () => {
    assert.match(
      starling(["login", "--user", "alice", "--password", "alice-password", ...d], { env }),
      /logged in as alice@starling.local/,
    );
    assert.match(starling(["send", "--to", "bob", "hello", "from", "the", "cli", ...d], { env }), /as #1/);
    const h = starling(["history", "--with", "alice", "--user", "bob", "--password", "bob-password", ...d], {
      env: { STARLING_HOME: join(home, "bob") },
    });
    assert.match(h, /\[1\] .* alice: hello from the cli/);
  });

  test("chat: open a conversation, send, and see the history", () => {
    const out = starling(["chat", ...d], { env, input: "/list\n/open bob\nsecond message\n/read\n/quit\n" });
    assert.match(out, /1\. bob/);
    assert.match(out, /alice: hello from the cli/);
    assert.match(out, /alice: second message/);
    assert.match(out, /bob has read up to #0/);
    const h = starling(["history", "--with", "bob", "--json", ...d], { env });
    const lines = h
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      lines.map((l) => l.text),
      ["hello from the cli", "second message"],
    );
  });

  test("chat: edit a message and react to one; history shows (edited) and the reactions", () => {
    const out = starling(["chat", ...d], {
      env,
      input: "/open bob\n/edit 2 second message, edited\n/react 1 👍\n/history\n/quit\n",
    });
    assert.match(out, /edited message #2: second message, edited/);
    assert.match(out, /\[2\] .* alice: second message, edited \(edited\)/);
    assert.match(out, /\[1\] .* alice: hello from the cli {2}\[👍 1\]/);
    const h = starling(["history", "--with", "bob", "--json", ...d], { env });
    const first = JSON.parse(h.trim().split("\n")[0] as string);
    assert.deepEqual(first.reactions, { "👍": ["alice@starling.local"] });
  });

  test("chat: pin a message and list the pins, save one and list the favourites", () => {
    const out = starling(["chat", ...d], {
      env,
      input: "/open bob\n/pin 1\n/pins\n/fav 2\n/favs\n/quit\n",
    });
    assert.match(out, /📌 \[1\] .* alice: hello from the cli/);
    assert.match(out, /saved #2/);
    assert.match(out, /\(bob\) \[2\] .* alice: second message/);
  });

  test("passwd and disable take effect on the running server", () => {
    starling(["user", "passwd", "bob", "--password", "bob-new-password", ...d]);
    const old = starlingFails(
      ["history", "--with", "alice", "--user", "bob", "--password", "bob-password", ...d],
      {
        env: { STARLING_HOME: join(home, "bob2") },
      },
    );
    assert.match(old.stderr, /wrong user id or password/);
    starling(["user", "disable", "bob", ...d]);
    const disabled = starlingFails(
      ["history", "--with", "alice", "--user", "bob", "--password", "bob-new-password", ...d],
      {
        env: { STARLING_HOME: join(home, "bob3") },
      },
    );
    assert.match(disabled.stderr, /disabled/);
    assert.match(starling(["user", "list", ...d]), /bob@starling.local\tBob B\tuser\tdisabled/);
  });

  test("login of an account with an initial password: --new-password, a terminal, or a clear error", async () => {
    starling(["user", "add", "dan", "--password", "dan-initial", "--temporary", ...d]);
    const danHome = { STARLING_HOME: join(home, "dan") };
    const login = ["login", "--user", "dan", "--password", "dan-initial", ...d];
    const noTerminal = starlingFails(login, { env: danHome });
    assert.match(noTerminal.stderr, /dan@starling.local must choose a new password first/);
    assert.match(noTerminal.stderr, /--new-password/);
    const weak = starlingFails([...login, "--new-password", "short"], { env: danHome });
    assert.match(weak.stderr, /at least 8 characters/);
    const out = starling([...login, "--new-password", "dan-chosen-password"], { env: danHome });
    assert.match(out, /new password set\nlogged in as dan@starling.local/);
    // The saved session works for the next command, and the initial password no longer does.
    assert.match(starling(["send", "--to", "alice", "hello", ...d], { env: danHome }), /as #1/);
    const old = starlingFails(login, { env: { STARLING_HOME: join(home, "dan2") } });
    assert.match(old.stderr, /wrong user id or password/);

    // On a terminal (a pseudo-terminal from script(1)) the new password is asked twice, unseen.
    starling(["user", "passwd", "dan", "--password", "dan-reset-pw", "--temporary", ...d]);
    const cmd = [process.execPath, BIN, "login", "--user", "dan", "--password", "dan-reset-pw", ...d]
      .map((a) => `'${a}'`)
      .join(" ");
    const typed = await onTerminal(cmd, { ...process.env, STARLING_HOME: join(home, "dan3") }, [
      ["New password: ", "dan-typed-password\r"],
      ["New password again: ", "dan-typed-password\r"],
    ]);
    assert.match(typed, /New password: /);
    assert.match(typed, /New password again: /);
    assert.ok(!typed.includes("dan-typed-password"), "the password is not echoed");
    assert.match(typed, /logged in as dan@starling.local/);
    assert.match(
      starling(["history", "--with", "alice", "--user", "dan", "--password", "dan-typed-password", ...d], {
        env: { STARLING_HOME: join(home, "dan4") },
      }),
      /dan: hello/,
    );
  });

  test("domains and user import: a dry run, bad rows by line, then a real import", () => {
    assert.match(starling(["domain", "add", "acme.example", ...d]), /domain acme.example added/);
    assert.match(starling(["domain", "list", ...d]), /^acme.example$/m);
    const file = join(dataDir, "people.csv");
    writeFileSync(file, "id,name,department\nwang,王五,技术部/前端\n,missing id,\nli,李四,技术部\n");
    const dry = starlingFails(["import", "users", file, "--user-domain", "acme.example", "--dry-run", ...d]);
    assert.equal(dry.status, 3, "refused rows make the exit status non-zero");
    assert.match(
      dry.stdout,
      /would import \(starling layout\): 2 new, 0 updated, 0 unchanged, 2 new departments, 1 rows refused/,
    );
    assert.match(dry.stdout, /line 3: id is missing/);
    const real = starlingFails(["import", "users", file, "--user-domain", "acme.example", ...d]);
    assert.match(real.stdout, /imported \(starling layout\): 2 new/);
    assert.match(real.stdout, /^wang@acme.example\t\S+$/m, "initial passwords are printed once");
    assert.match(
      starling(["user", "list", "--user-domain", "acme.example", ...d]),
      /wang@acme.example\t王五/,
    );
    assert.match(starling(["domain", "disable", "acme.example", ...d]), /disabled/);
    assert.match(starling(["domain", "list", ...d]), /^acme.example\tdisabled$/m);
  });

  test("invite writes the invite link as a QR code; doctor checks the deployment", async () => {
    const png = join(dataDir, "invite.png");
    const out = starling(["invite", "--host", "127.0.0.1", "--png", png, "--no-terminal", ...d]);
    const url = out.split("\n")[0] as string;
    // The certificate's hash rides in the fragment, which no client sends to the server.
    assert.match(
      url,
      /^http:\/\/127\.0\.0\.1:\d+\/\.well-known\/starling\?domain=starling\.local#sha256=[0-9a-f]{64}$/,
    );
    assert.deepEqual([...readFileSync(png).subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    // Behind a TLS proxy the invitation points at https.
    const proxied = starling(["invite", "--host", "chat.example.com", "--png", png, "--no-terminal", ...d], {
      env: { STARLING_PUBLIC_HTTPS: "true" },
    });
    assert.match(
      proxied,
      /^https:\/\/chat\.example\.com:\d+\/\.well-known\/starling\?domain=starling\.local#sha256=[0-9a-f]{64}\n/,
    );
    const nav = (await (await fetch(url)).json()) as {
      domain: string;
      endpoints: { native: string };
      tls: object;
    };
    assert.equal(nav.domain, "starling.local");
    assert.match(nav.endpoints.native, /^tls:\/\/127\.0\.0\.1:\d+$/);

    const doctor = starling(["doctor", ...d]);
    assert.match(doctor, /ok {4}certificate matches the onboarding document/);
    assert.match(doctor, /ok {4}WebSocket endpoint/);
    assert.match(doctor, /all checks passed/);
    const disabled = starlingFails(["doctor", "--user-domain", "acme.example", ...d]);
    assert.equal(disabled.status, 1);
    assert.match(
      disabled.stdout,
      /FAIL {2}no onboarding document for acme.example[\s\S]*fix: .*domain enable acme.example/,
    );
    const nobody = starlingFails(["doctor", "--url", "http://127.0.0.1:1", ...d]);
    assert.match(
      nobody.stdout,
      /FAIL {2}HTTP listener at http:\/\/127.0.0.1:1 is not reachable[\s\S]*fix: start the server/,
    );
  });
});
