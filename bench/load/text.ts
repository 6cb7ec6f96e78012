/** A message body of `bytes` printable ASCII characters (a typical short chat line is ~60). */
export function benchText(bytes: number): Uint8Array {
  const phrase = "the quick brown fox tells starling about the benchmark; ";
  return Buffer.from(phrase.repeat(Math.ceil(bytes / phrase.length)).slice(0, Math.max(1, bytes)), "latin1");
}
