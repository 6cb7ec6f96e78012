import net from "node:net";

/**
 * A TCP relay on 127.0.0.1 that counts the bytes flowing each way, so a
 * scenario can report what a client really received on the wire (TLS and
 * compression included).
 */
export class ByteProxy {
  toClient = 0;
  toServer = 0;
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();

  private constructor(server: net.Server) {
    this.server = server;
  }

  static async start(targetPort: number): Promise<ByteProxy> {
    const server = net.createServer();
    const proxy = new ByteProxy(server);
    server.on("connection", (client) => {
      const upstream = net.connect(targetPort, "127.0.0.1");
      for (const s of [client, upstream]) {
        proxy.sockets.add(s);
        s.on("close", () => proxy.sockets.delete(s));
        s.on("error", () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.on("data", (b: Buffer) => {
        proxy.toServer += b.length;
      });
      upstream.on("data", (b: Buffer) => {
        proxy.toClient += b.length;
      });
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  reset(): void {
    this.toClient = 0;
    this.toServer = 0;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
