/**
 * int64 fields arrive as bigint (protobuf-es). Seqs and times stay far below
 * 2^53, so the client keeps them as plain numbers, which also keeps device
 * state JSON-serialisable, and converts only at the wire.
 */
export type SeqLike = number | bigint;

export function toNumber(value: SeqLike): number {
  return typeof value === "bigint" ? Number(value) : value;
}

export function toWire(value: SeqLike | undefined): bigint {
  if (value === undefined) return 0n;
  return typeof value === "bigint" ? value : BigInt(Math.trunc(value));
}
