import type { Event, Message } from "@starling/protocol";
import type { Jid } from "./jid.js";
import type { StanzaRouter } from "./router.js";
import type { XElement } from "./stanza.js";

/** Groups as multi-user chat rooms (XEP-0045) at `conference.<domain>`. */
export class Muc {
  constructor(private readonly router: StanzaRouter) {}

  handle(stanza: XElement, _to: Jid): void {
    if (stanza.attrs.type !== "error") this.router.error(stanza, "cancel", "service-unavailable");
  }

  deliver(_msg: Message): void {}

  event(_msg: Message, _event: Event): void {}

  retracted(_event: Message, _payload: XElement[]): void {}

  close(): void {}
}
