import { configureTextEncoding } from "@bufbuild/protobuf/wire";

/**
 * UTF-8 for runtimes without TextDecoder (React Native's Hermes has TextEncoder only, in some
 * versions neither): the protobuf runtime needs both, and a strict decoder that refuses
 * malformed input (https://encoding.spec.whatwg.org/#utf-8-decoder, "fatal").
 */
function encodeUtf8(text: string): Uint8Array<ArrayBuffer> {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    // A lone surrogate becomes U+FFFD, as TextEncoder does.
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return Uint8Array.from(out);
}

/** Smallest code point of each sequence length, so overlong forms are refused (RFC 3629, section 3). */
const MIN = [0, 0x80, 0x800, 0x10000] as const;

/** Decodes UTF-8; malformed sequences become U+FFFD, or (strict) an error. */
function decodeUtf8(bytes: Uint8Array, strict = false): string {
  let out = "";
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      out += String.fromCharCode(b);
      i++;
      continue;
    }
    const need = b >= 0xc2 && b < 0xe0 ? 1 : b >= 0xe0 && b < 0xf0 ? 2 : b >= 0xf0 && b < 0xf5 ? 3 : 0;
    let c = b & (0x3f >> need);
    let k = 1;
    for (; need > 0 && k <= need; k++) {
      const x = bytes[i + k];
      if (x === undefined || (x & 0xc0) !== 0x80) break;
      c = (c << 6) | (x & 63);
    }
    if (need === 0 || k <= need || c < MIN[need] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
      if (strict) throw new TypeError("invalid UTF-8");
      out += "\ufffd";
      i++;
      continue;
    }
    out += String.fromCodePoint(c);
    i += need + 1;
  }
  return out;
}

/**
 * Gives the protobuf runtime this UTF-8 codec where the platform lacks TextDecoder or
 * TextEncoder; elsewhere the platform's stays. Clients call it before encoding anything.
 */
export function ensureTextEncoding(): void {
  if (typeof globalThis.TextDecoder === "function" && typeof globalThis.TextEncoder === "function") return;
  configureTextEncoding({
    encodeUtf8,
    decodeUtf8,
    checkUtf8(text: string) {
      try {
        encodeURIComponent(text);
        return true;
      } catch {
        return false;
      }
    },
  });
}

/** The fallback codec itself, for tests against the platform's. */
export const fallbackUtf8 = { encodeUtf8, decodeUtf8 };

// Configures the platform once, before any generated code runs (index.ts imports this first):
// the protobuf runtime's own global, set only where the platform lacks the Text Encoding API.
ensureTextEncoding();
