import { open } from "node:fs/promises";
import type { IAudioMetadata, IOptions } from "music-metadata";
import type { Metadata, SharpOptions } from "sharp";
import { invalid, StarlingError } from "../../core/kernel/errors.js";
import type { MediaInfo, MediaProbe } from "../../core/kernel/ports.js";
import { readMp4Header } from "./mp4-header.js";

/** Settings of a {@link SharpMediaProbe}. */
export interface SharpMediaProbeOptions {
  /** Images with more pixels than this (width × height of one frame) are refused before decoding. */
  maxImagePixels: number;
  /** The longer side of thumbnails, in pixels; 320 unless set. */
  thumbnailMaxSide?: number;
}

type ImageFormat = "png" | "jpeg" | "gif" | "webp" | "avif" | "tiff";

/** The image types decoded here, by MIME type; other images get no size or thumbnail. */
const IMAGE_TYPES: Readonly<Record<string, ImageFormat>> = {
  "image/png": "png",
  "image/apng": "png",
  "image/jpeg": "jpeg",
  "image/gif": "gif",
  "image/webp": "webp",
  "image/avif": "avif",
  "image/tiff": "tiff",
};
/** How sharp names each format in its metadata. */
const SHARP_FORMAT: Readonly<Record<ImageFormat, string>> = {
  png: "png",
  jpeg: "jpeg",
  gif: "gif",
  webp: "webp",
  avif: "heif",
  tiff: "tiff",
};
const NAMES: Readonly<Record<ImageFormat, string>> = {
  png: "PNG",
  jpeg: "JPEG",
  gif: "GIF",
  webp: "WebP",
  avif: "AVIF",
  tiff: "TIFF",
};
const SUPPORTED = "PNG, JPEG, GIF, WebP, AVIF or TIFF";
/** Bytes enough to recognise every format above. */
const SIGNATURE_BYTES = 16;
const THUMBNAIL_QUALITY = 75;
const AVATAR_QUALITY = 80;
const MAX_AVATAR_SIDE = 4096;
/** Images worked on at once; the rest wait, so sharp leaves libuv threads to file and crypto work. */
const MAX_PARALLEL_IMAGES = 2;
const AUDIO_VIDEO = /^(audio|video)\//;
const AUDIO_OPTIONS: IOptions = { duration: false, skipCovers: true, skipPostHeaders: true };

/**
 * The MediaProbe on sharp (libvips) for images and on container headers for
 * audio and video: an MP4/QuickTime reader of its own, music-metadata for
 * MP3, WAV, Ogg, FLAC, WebM and the rest.
 *
 * An image is identified by its signature bytes and its header read by
 * sharp before anything is decoded; one whose frame has more pixels than
 * allowed is refused there, so a small file that unpacks to gigabytes
 * never does. Only the first frame of an animation is decoded. Sizes are as
 * displayed, after the EXIF orientation is applied.
 */
export class SharpMediaProbe implements MediaProbe {
  private readonly maxImagePixels: number;
  private readonly thumbnailMaxSide: number;
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(options: SharpMediaProbeOptions) {
    const { maxImagePixels, thumbnailMaxSide = 320 } = options;
    if (!Number.isSafeInteger(maxImagePixels) || maxImagePixels < 1)
      throw new RangeError("maxImagePixels must be a positive integer");
    if (!Number.isSafeInteger(thumbnailMaxSide) || thumbnailMaxSide < 1)
      throw new RangeError("thumbnailMaxSide must be a positive integer");
    this.maxImagePixels = maxImagePixels;
    this.thumbnailMaxSide = thumbnailMaxSide;
  }

  async inspect(source: Uint8Array | string, mime: string): Promise<MediaInfo> {
    const format = IMAGE_TYPES[mime];
    if (format) return this.inTurn(() => this.inspectImage(source, format));
    if (AUDIO_VIDEO.test(mime)) return inspectAudioVideo(source, mime);
    return {};
  }

  async avatar(source: Uint8Array | string, sizes: readonly number[]): Promise<Uint8Array[]> {
    for (const size of sizes) {
      if (!Number.isInteger(size) || size < 1 || size > MAX_AVATAR_SIDE)
        throw new RangeError(`avatar sizes must be integers from 1 to ${MAX_AVATAR_SIDE}`);
    }
    if (sizes.length === 0) return [];
    return this.inTurn(() => this.renderAvatar(source, sizes));
  }

  private async inspectImage(source: Uint8Array | string, expected: ImageFormat): Promise<MediaInfo> {
    const { width, height } = await this.checkImage(source, expected);
    const sharp = await loadSharp();
    const thumbnail = await decoding(() =>
      sharp(source, this.decodeOptions())
        .resize({
          width: this.thumbnailMaxSide,
          height: this.thumbnailMaxSide,
          fit: "inside",
          withoutEnlargement: true,
        })
        .webp({ quality: THUMBNAIL_QUALITY })
        .toBuffer(),
    );
    return { width, height, thumbnail };
  }

  private async renderAvatar(source: Uint8Array | string, sizes: readonly number[]): Promise<Uint8Array[]> {
    await this.checkImage(source);
    const sharp = await loadSharp();
    const largest = Math.max(...sizes);
    const square = await decoding(() =>
      sharp(source, this.decodeOptions())
        .resize(largest, largest, { fit: "cover", position: "centre" })
        .raw()
        .toBuffer({ resolveWithObject: true }),
    );
    const { width, height, channels } = square.info;
    const out: Uint8Array[] = [];
    for (const size of sizes) {
      out.push(
        await decoding(() =>
          sharp(square.data, { raw: { width, height, channels } })
            .resize(size, size)
            .webp({ quality: AVATAR_QUALITY })
            .toBuffer(),
        ),
      );
    }
    return out;
  }

  /**
   * Refuses, from the signature and the header alone, what is not an image
   * of the expected (or any supported) format, or has too many pixels;
   * returns the size as displayed.
   */
  private async checkImage(
    source: Uint8Array | string,
    expected?: ImageFormat,
  ): Promise<{ width: number; height: number }> {
    const notImage = () =>
      invalid(`the body is not an image in ${expected ? NAMES[expected] : SUPPORTED} format`, "body");
    const format = signatureFormat(await readSignature(source));
    if (!format) throw notImage();
    if (expected && format !== expected)
      throw invalid(`the body is in ${NAMES[format]} format, not ${NAMES[expected]}`, "body");
    const sharp = await loadSharp();
    const meta = await decoding(() => sharp(source, { limitInputPixels: false, failOn: "error" }).metadata());
    if (!sameFormat(format, meta)) throw notImage();
    const width = meta.width;
    const height = meta.pageHeight ?? meta.height;
    if (!(width > 0 && height > 0)) throw undecodable();
    if (width * height > this.maxImagePixels)
      throw invalid(
        `the image is ${width}×${height} pixels, more than the ${this.maxImagePixels} allowed`,
        "body",
      );
    const quarterTurn = (meta.orientation ?? 1) >= 5;
    return quarterTurn ? { width: height, height: width } : { width, height };
  }

  private decodeOptions(): SharpOptions {
    return { limitInputPixels: this.maxImagePixels, failOn: "error", autoOrient: true };
  }

  private async inTurn<T>(work: () => Promise<T>): Promise<T> {
    if (this.running < MAX_PARALLEL_IMAGES) this.running++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

let sharpModule: Promise<typeof import("sharp").default> | undefined;

/**
 * sharp (libvips), loaded at the first image rather than at every start, with its operation
 * cache off and one libvips thread per image.
 */
function loadSharp(): Promise<typeof import("sharp").default> {
  sharpModule ??= import("sharp").then(({ default: sharp }) => {
    sharp.cache(false);
    sharp.concurrency(1);
    return sharp;
  });
  return sharpModule;
}

/** Runs a sharp operation, turning its failures into INVALID_ARGUMENT. */
async function decoding<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof StarlingError) throw err;
    throw undecodable();
  }
}

function undecodable(): StarlingError {
  return invalid("the image is damaged or truncated and cannot be decoded", "body");
}

function sameFormat(format: ImageFormat, meta: Metadata): boolean {
  if (meta.format !== SHARP_FORMAT[format]) return false;
  return format !== "avif" || meta.compression === "av1";
}

async function readSignature(source: Uint8Array | string): Promise<Uint8Array> {
  if (typeof source !== "string") return source.subarray(0, SIGNATURE_BYTES);
  const handle = await open(source, "r");
  try {
    const buffer = Buffer.alloc(SIGNATURE_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SIGNATURE_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** The image format the leading bytes announce, if it is one decoded here. */
function signatureFormat(b: Uint8Array): ImageFormat | undefined {
  const text = (start: number, end: number) => String.fromCharCode(...b.subarray(start, end));
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "png";
  if (startsWith(b, [0xff, 0xd8, 0xff])) return "jpeg";
  if (text(0, 6) === "GIF87a" || text(0, 6) === "GIF89a") return "gif";
  if (text(0, 4) === "RIFF" && text(8, 12) === "WEBP") return "webp";
  if (text(4, 8) === "ftyp") return "avif";
  const tiff = text(0, 4);
  if (tiff === "II*\0" || tiff === "MM\0*" || tiff === "II+\0" || tiff === "MM\0+") return "tiff";
  return undefined;
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((v, i) => bytes[i] === v);
}

/** Duration, and for video the displayed size, as far as the headers tell; {} when they cannot be read. */
async function inspectAudioVideo(source: Uint8Array | string, mime: string): Promise<MediaInfo> {
  const fromMp4 = await readMp4Header(source).catch(() => undefined);
  if (fromMp4?.durationMs !== undefined) return fromMp4;
  let parsed: IAudioMetadata;
  // Loaded at the first audio or video file rather than at every start.
  const { parseBuffer, parseFile } = await import("music-metadata");
  try {
    parsed =
      typeof source === "string"
        ? await parseFile(source, AUDIO_OPTIONS)
        : await parseBuffer(source, { mimeType: mime, size: source.length }, AUDIO_OPTIONS);
  } catch {
    return fromMp4 ?? {};
  }
  const seconds = parsed.format.duration;
  const ms =
    seconds !== undefined && Number.isFinite(seconds) && seconds > 0 ? Math.round(seconds * 1000) : undefined;
  const video = parsed.format.trackInfo.find((t) => t.video?.pixelWidth && t.video.pixelHeight)?.video;
  const width = fromMp4?.width ?? video?.pixelWidth;
  const height = fromMp4?.height ?? video?.pixelHeight;
  return {
    ...(ms !== undefined ? { durationMs: ms } : {}),
    ...(width && height ? { width, height } : {}),
  };
}
