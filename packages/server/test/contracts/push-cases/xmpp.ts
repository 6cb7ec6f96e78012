import { XmppPushProvider } from "../../../src/adapters/push/xmpp-push.js";
import { PushPublisher } from "../../../src/doors/xmpp/s2s/push-publisher.js";
import { appServerCertificate, XmppAppServer } from "../../helpers/push-emulators/xmpp-app-server.js";
import type { ProviderCase } from "../push-provider.js";

const silent = { debug() {}, info() {}, warn() {}, error() {} };
/** The domain of the suite's users (bob@example.com), which our streams authenticate as. */
const OUR_DOMAIN = "example.com";

/** A publisher towards the emulator, its dialback verifier on a port of its own. */
function publisher(appServer: XmppAppServer, ca: string): PushPublisher {
  return new PushPublisher({
    host: "127.0.0.1",
    port: 0,
    routes: new Map([[appServer.domain, { host: "127.0.0.1", port: appServer.port }]]),
    ca,
    connectTimeoutMs: 10_000,
    iqTimeoutMs: 10_000,
    idleTimeoutMs: 60_000,
    maxPending: 100,
    log: silent,
  });
}

export const pushCase: ProviderCase = {
  name: "xmpp",
  clears: false,
  badges: false,
  async start() {
    const pems = await appServerCertificate("push.test");
    const emulator = await XmppAppServer.start("push.test", pems);
    const good = publisher(emulator, pems.cert);
    // The app server asks example.com's server, which is the good publisher's verifier.
    emulator.routeBack(OUR_DOMAIN, await good.start());
    // Claims example.com too, with keys that server never issued: dialback fails.
    const impostor = publisher(emulator, pems.cert);
    await impostor.start();
    return {
      emulator,
      provider: new XmppPushProvider(good),
      wrongCredentials: new XmppPushProvider(impostor),
    };
  },
};
