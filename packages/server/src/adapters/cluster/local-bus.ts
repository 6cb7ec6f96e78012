import type { Bus, BusReceiver, KickReason } from "../../core/kernel/ports.js";

/** The bus of a single node: pushes go straight to this process's sessions. */
export class LocalBus implements Bus {
  private receiver: BusReceiver | undefined;

  attach(receiver: BusReceiver): void {
    this.receiver = receiver;
  }

  publish(userIds: readonly string[], frame: Uint8Array, exceptSession?: string): void {
    this.receiver?.deliver(userIds, frame, exceptSession);
  }

  publishLocal(userIds: readonly string[], frame: Uint8Array): void {
    this.receiver?.deliver(userIds, frame);
  }

  publishDomain(domain: string, frame: Uint8Array): void {
    this.receiver?.deliverDomain(domain, frame);
  }

  kick(userIds: readonly string[], reason: KickReason, keepToken?: string, onlyToken?: string): void {
    this.receiver?.kick(userIds, reason, keepToken, onlyToken);
  }

  /** One node: there are no other nodes to look on. */
  publishTo(): boolean {
    return false;
  }
}
