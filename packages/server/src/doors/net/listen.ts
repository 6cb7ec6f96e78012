import type { Server } from "node:net";

/** Starts a listener; resolves once it listens, rejects if it cannot (port taken, no such address). */
export function listen<S extends Server>(server: S, port: number, host: string): Promise<S> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve(server);
    });
  });
}
