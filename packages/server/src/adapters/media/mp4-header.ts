import { open } from "node:fs/promises";

/** What the headers of an MP4 or QuickTime file tell about its content. */
export interface Mp4Header {
  durationMs?: number;
  /** The first video track's size as displayed (a quarter-turn rotation swaps the two). */
  width?: number;
  height?: number;
}

/** Box types a file in the ISO base media format (MP4, MOV, M4A, 3GP) can start with. */
const FIRST_BOXES = new Set(["ftyp", "moov", "mdat", "free", "skip", "wide", "pnot"]);
/** Boxes looked at in one container at most: a file of countless tiny boxes is not walked to its end. */
const MAX_CHILDREN = 1024;
/** The longest a header box read here can be (tkhd version 1). */
const MAX_HEADER_PAYLOAD = 96;
const UNKNOWN_32 = 0xffffffff;

interface Box {
  type: string;
  /** Where the payload starts and the box ends, from the start of the file. */
  payload: number;
  end: number;
}

/** Random access to the bytes, in memory or in a local file. */
interface ByteReader {
  readonly size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

/**
 * Reads the duration and the video size from the headers of an MP4,
 * QuickTime or other ISO base media file, wherever its `moov` box lies,
 * without reading the media data. Returns undefined when the bytes are not
 * such a file and {} when its headers say nothing usable. Throws on bytes
 * that break the box structure.
 */
export async function readMp4Header(source: Uint8Array | string): Promise<Mp4Header | undefined> {
  const reader = typeof source === "string" ? await fileReader(source) : memoryReader(source);
  try {
    if (!FIRST_BOXES.has(ascii(await reader.read(4, 4)))) return undefined;
    for await (const box of children(reader, 0, reader.size)) {
      if (box.type === "moov") return await readMovie(reader, box);
    }
    return {};
  } finally {
    await reader.close();
  }
}

async function readMovie(reader: ByteReader, moov: Box): Promise<Mp4Header> {
  let durationMs: number | undefined;
  let fragmentsMs: number | undefined;
  let timescale = 0;
  let video: { width: number; height: number } | undefined;
  for await (const box of children(reader, moov.payload, moov.end)) {
    if (box.type === "mvhd") {
      const b = await payloadOf(reader, box);
      const v1 = b.getUint8(0) === 1;
      timescale = b.getUint32(v1 ? 20 : 12);
      const duration = v1 ? Number(b.getBigUint64(24)) : unknownIfAllOnes(b.getUint32(16));
      durationMs = toMs(duration, timescale);
    } else if (box.type === "mvex") {
      fragmentsMs = await readFragmentsDuration(reader, box, () => timescale);
    } else if (box.type === "trak" && !video) {
      video = await readVideoTrack(reader, box);
    }
  }
  const ms = durationMs ?? fragmentsMs;
  return { ...(ms !== undefined ? { durationMs: ms } : {}), ...video };
}

/** The whole duration of a fragmented file, from `mvex/mehd`, in the movie's timescale. */
async function readFragmentsDuration(
  reader: ByteReader,
  mvex: Box,
  timescale: () => number,
): Promise<number | undefined> {
  for await (const box of children(reader, mvex.payload, mvex.end)) {
    if (box.type !== "mehd") continue;
    const b = await payloadOf(reader, box);
    const duration = b.getUint8(0) === 1 ? Number(b.getBigUint64(4)) : unknownIfAllOnes(b.getUint32(4));
    return toMs(duration, timescale());
  }
  return undefined;
}

/** The displayed size of a track whose handler is video, else undefined. */
async function readVideoTrack(
  reader: ByteReader,
  trak: Box,
): Promise<{ width: number; height: number } | undefined> {
  let size: { width: number; height: number } | undefined;
  let handler = "";
  for await (const box of children(reader, trak.payload, trak.end)) {
    if (box.type === "tkhd") size = displayedSize(await payloadOf(reader, box));
    else if (box.type === "mdia") handler = await readHandler(reader, box);
  }
  return handler === "vide" && size && size.width > 0 && size.height > 0 ? size : undefined;
}

async function readHandler(reader: ByteReader, mdia: Box): Promise<string> {
  for await (const box of children(reader, mdia.payload, mdia.end)) {
    if (box.type !== "hdlr") continue;
    const b = await payloadOf(reader, box);
    return ascii(new Uint8Array(b.buffer, b.byteOffset + 8, 4));
  }
  return "";
}

/** Width and height from a `tkhd` payload, swapped when its matrix turns the picture a quarter. */
function displayedSize(b: DataView): { width: number; height: number } {
  const v1 = b.getUint8(0) === 1;
  const matrix = v1 ? 52 : 40;
  const dims = v1 ? 88 : 76;
  const width = Math.round(b.getUint32(dims) / 65536);
  const height = Math.round(b.getUint32(dims + 4) / 65536);
  const a = b.getInt32(matrix);
  const bm = b.getInt32(matrix + 4);
  const c = b.getInt32(matrix + 12);
  const d = b.getInt32(matrix + 16);
  const quarterTurn = a === 0 && d === 0 && bm !== 0 && c !== 0;
  return quarterTurn ? { width: height, height: width } : { width, height };
}

/** The boxes inside [start, end), stopping at the first that does not fit. */
async function* children(reader: ByteReader, start: number, end: number): AsyncGenerator<Box> {
  let offset = start;
  for (let n = 0; n < MAX_CHILDREN && offset + 8 <= end; n++) {
    const head = view(await reader.read(offset, 16));
    const type = ascii(new Uint8Array(head.buffer, head.byteOffset + 4, 4));
    let size = head.getUint32(0);
    let headerLength = 8;
    if (size === 1) {
      if (head.byteLength < 16) return;
      size = Number(head.getBigUint64(8));
      headerLength = 16;
    } else if (size === 0) {
      size = end - offset;
    }
    if (size < headerLength || offset + size > end) return;
    yield { type, payload: offset + headerLength, end: offset + size };
    offset += size;
  }
}

async function payloadOf(reader: ByteReader, box: Box): Promise<DataView> {
  return view(await reader.read(box.payload, Math.min(box.end - box.payload, MAX_HEADER_PAYLOAD)));
}

function toMs(duration: number | undefined, timescale: number): number | undefined {
  if (duration === undefined || !(duration > 0) || !(timescale > 0)) return undefined;
  const ms = Math.round((duration * 1000) / timescale);
  return Number.isSafeInteger(ms) ? ms : undefined;
}

function unknownIfAllOnes(n: number): number | undefined {
  return n === UNKNOWN_32 ? undefined : n;
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function ascii(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}

function memoryReader(bytes: Uint8Array): ByteReader {
  return {
    size: bytes.length,
    read: async (offset, length) => bytes.subarray(offset, offset + length),
    close: async () => {},
  };
}

async function fileReader(path: string): Promise<ByteReader> {
  const handle = await open(path, "r");
  try {
    const { size } = await handle.stat();
    return {
      size,
      read: async (offset, length) => {
        const buffer = Buffer.alloc(Math.max(0, Math.min(length, size - offset)));
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
        return buffer.subarray(0, bytesRead);
      },
      close: () => handle.close(),
    };
  } catch (err) {
    await handle.close();
    throw err;
  }
}
