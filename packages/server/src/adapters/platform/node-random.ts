import { createHash, randomBytes } from "node:crypto";
import type { Clock, Random } from "../../core/kernel/ports.js";

export class NodeRandom implements Random {
  bytes(n: number): Uint8Array {
    return randomBytes(n);
  }

  sha256(value: string): string {
    return createHash("sha256").update(value).digest("hex");
  }
}

export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }
}
