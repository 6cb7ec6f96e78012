import { createInterface } from "node:readline/promises";
import { createNodeClient, fromOnboarding, type Onboarding } from "@starling/sdk/node";
import type { ClientFlags } from "./connect.js";
import { askSecrets, canAskSecret } from "./prompt-secret.js";
import { saveSession } from "./saved-session.js";

const terminal = { input: process.stdin, output: process.stderr };

/** Asks one visible question on a terminal; without one, says which flag gives the answer. */
async function ask(question: string, flag: string): Promise<string> {
  if (!process.stdin.isTTY) throw new Error(`no terminal to ask on: give ${flag}`);
  const rl = createInterface(terminal);
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}

/** The new password: --new-password, or asked twice unseen on a terminal, with the server's rules first. */
async function choosePassword(onboarding: Onboarding, userId: string, given?: string): Promise<string> {
  if (given) return given;
  if (!canAskSecret(terminal))
    throw new Error(`${userId} chooses a password now: run this on a terminal, or give --new-password`);
  const rules = onboarding.document.passwordRules;
  process.stderr.write(
    `Choose your password: at least ${rules.minLength} characters${rules.notUserId ? ", not your user name" : ""}.\n`,
  );
  const [first = "", again] = await askSecrets(["New password: ", "New password again: "], terminal);
  if (first !== again) throw new Error("the two passwords are not the same");
  return first;
}

/**
 * `starling login --invite URL`: reads the invite (the SDK checks the server's certificate
 * against the hash in the link and pins it), activates the account with the link's code or one
 * asked for, and saves the session with the pin, so later commands keep checking the same
 * certificate. A link without a code logs in with a password instead.
 */
export async function loginWithInvite(
  url: string,
  flags: ClientFlags & { code?: string; newPassword?: string },
): Promise<string> {
  const onboarding = await fromOnboarding(url);
  const { link, options } = onboarding;
  const userId = flags.user ?? link.userId ?? (await ask("User id: ", "--user"));
  const password = flags.password ?? process.env.STARLING_PASSWORD;
  let auth: { userId: string; password: string } | { token: string };
  if (!flags.code && !link.code && password) auth = { userId, password };
  else {
    const code = flags.code ?? link.code ?? (await ask("Activation code: ", "--code"));
    const chosen = await choosePassword(onboarding, userId, flags.newPassword);
    auth = { token: (await onboarding.activate({ userId, code, password: chosen, platform: "cli" })).token };
  }
  // Logging in over the pinned endpoints proves the pin before it is saved.
  const { token, who } = await logIn(onboarding, auth);
  saveSession({
    endpoint: options.endpoints[0] as string,
    userId: who,
    token,
    ...(options.tls?.pinSha256 ? { pinSha256: options.tls.pinSha256 } : {}),
  });
  return who;
}

async function logIn(
  onboarding: Onboarding,
  auth: { userId: string; password: string } | { token: string },
): Promise<{ token: string; who: string }> {
  const client = createNodeClient({
    ...onboarding.options,
    auth,
    device: { platform: "cli", deviceId: "starling-cli" },
    reconnect: false,
  });
  try {
    const welcome = await client.connect();
    if (welcome.mustChangePassword)
      throw new Error(
        `${welcome.userId} must choose a new password: ask your administrator for an invite with a code`,
      );
    return { token: client.token ?? ("token" in auth ? auth.token : ""), who: welcome.userId };
  } finally {
    await client.close();
  }
}
