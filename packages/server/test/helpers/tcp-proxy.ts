import net from "node:net";

interface Pair {
  client: net.Socket;
  upstream: net.Socket;
  /** Caught by a black hole: drops every byte and never closes on its own. */
  swallowed: boolean;
}

/**
 * A TCP relay in front of a real server, which a test can cut (connections
 * reset, new ones refused) or black-hole (bytes silently dropped, nothing
 * closed: a network that went away without FIN or RST), and then restore.
 */
export class TcpProxy {
  private server: net.Server | undefined;
  private readonly pairs = new Set<Pair>();
  private holed = false;
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async start(port = 0): Promise<number> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.targetPort, this.targetHost);
      const pair: Pair = { client, upstream, swallowed: this.holed };
      this.pairs.add(pair);
      const relay = (from: net.Socket, to: net.Socket) => {
        from.on("data", (chunk) => {
          if (!pair.swallowed) to.write(chunk);
        });
        from.on("end", () => {
          if (!pair.swallowed) to.end();
        });
        from.on("close", () => {
          if (pair.swallowed) return;
          this.pairs.delete(pair);
          to.destroy();
        });
        from.on("error", () => {});
      };
      relay(client, upstream);
      relay(upstream, client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    this.server = server;
    this.port = (server.address() as net.AddressInfo).port;
    return this.port;
  }

  /** Drops every relayed connection and refuses new ones. */
  async cut(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    this.holed = false;
    this.destroyAll();
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }

  /**
   * Stops forwarding without closing anything: open connections and new
   * ones swallow every byte both ways, so only a peer's own liveness check
   * can tell the link is gone.
   */
  blackHole(): void {
    this.holed = true;
    for (const p of this.pairs) p.swallowed = true;
  }

  /**
   * Accepts and forwards connections again on the same port. Connections
   * caught by a black hole are reset, as a returning network would answer
   * them, so a handshake stuck in one retries at once.
   */
  async restore(): Promise<void> {
    if (this.holed) {
      this.holed = false;
      for (const p of [...this.pairs]) if (p.swallowed) this.destroy(p);
    }
    if (!this.server) await this.start(this.port);
  }

  private destroyAll(): void {
    for (const p of [...this.pairs]) this.destroy(p);
  }

  private destroy(p: Pair): void {
    this.pairs.delete(p);
    p.client.destroy();
    p.upstream.destroy();
  }
}
