import { XmppPushProvider } from "../../../src/adapters/push/xmpp-push.js";
import {
  appServerCertificate,
  publisherTowards,
  XmppAppServer,
} from "../../helpers/push-emulators/xmpp-app-server.js";
import type { ProviderCase } from "../push-provider.js";

/** The domain of the suite's users (bob@example.com), which our streams authenticate as. */
const OUR_DOMAIN = "example.com";

export const pushCase: ProviderCase = {
  name: "xmpp",
  clears: false,
  badges: false,
  async start() {
    const pems = await appServerCertificate("push.test");
    const emulator = await XmppAppServer.start("push.test", pems);
    const good = publisherTowards(emulator, pems.cert);
    // The app server asks example.com's server, which is the good publisher's verifier.
    emulator.routeBack(OUR_DOMAIN, await good.start());
    // Claims example.com too, with keys that server never issued: dialback fails.
    const impostor = publisherTowards(emulator, pems.cert);
    await impostor.start();
    return {
      emulator,
      provider: new XmppPushProvider(good),
      wrongCredentials: new XmppPushProvider(impostor),
    };
  },
};
