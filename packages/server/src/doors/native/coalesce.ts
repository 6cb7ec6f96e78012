export interface Corkable {
  cork(): void;
  uncork(): void;
  readonly writableCorked: number;
}

/**
 * Holds a socket's writes until the current tick ends, so that the frames a
 * tick produces for one client (an ack and pushes, a fan-out loop) leave as
 * one TLS record and one syscall instead of one each.
 */
export function coalesce(socket: Corkable): void {
  if (socket.writableCorked > 0) return;
  socket.cork();
  process.nextTick(() => socket.uncork());
}
