import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { crc32 } from "node:zlib";
import { ErrorCode, StarlingError } from "@starling/protocol";
import sharp from "sharp";
import { SharpMediaProbe } from "../../src/adapters/media/sharp-media-probe.js";

const probe = new SharpMediaProbe({ maxImagePixels: 1_000_000 });

const solid = (width: number, height: number, background = "#3366cc") =>
  sharp({ create: { width, height, channels: 3, background } });
const noise = (width: number, height: number) =>
  sharp({
    create: {
      width,
      height,
      channels: 3,
      background: "black",
      noise: { type: "gaussian", mean: 128, sigma: 40 },
    },
  });

/** Passes when the promise rejects with INVALID_ARGUMENT on the field "body" and a message matching `message`. */
async function refused(p: Promise<unknown>, message?: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof StarlingError, `expected a StarlingError, got ${String(err)}`);
    assert.equal(err.code, ErrorCode.INVALID_ARGUMENT);
    assert.equal(err.details.field, "body");
    if (message) assert.match(err.message, message);
    return true;
  });
}

async function metadataOf(bytes: Uint8Array | undefined) {
  assert.ok(bytes, "a thumbnail is expected");
  return sharp(bytes).metadata();
}

function pngChunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "latin1");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A PNG of a few dozen bytes whose header claims `width`×`height` RGB pixels and whose data is garbage. */
function pngClaiming(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", ihdr),
    pngChunk("IDAT", Buffer.from("not zlib at all")),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

/** `seconds` of silence as a 16-bit mono WAV file. */
function wav(seconds: number, sampleRate = 8000): Buffer {
  const dataBytes = Math.round(seconds * sampleRate) * 2;
  const h = Buffer.alloc(44);
  h.write("RIFF", 0, "latin1");
  h.writeUInt32LE(36 + dataBytes, 4);
  h.write("WAVEfmt ", 8, "latin1");
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write("data", 36, "latin1");
  h.writeUInt32LE(dataBytes, 40);
  return Buffer.concat([h, Buffer.alloc(dataBytes)]);
}

function box(type: string, ...parts: Uint8Array[]): Buffer {
  const head = Buffer.alloc(8);
  const payload = Buffer.concat(parts);
  head.writeUInt32BE(8 + payload.length, 0);
  head.write(type, 4, "latin1");
  return Buffer.concat([head, payload]);
}

function mvhd(timescale: number, duration: number): Buffer {
  const b = Buffer.alloc(100);
  b.writeUInt32BE(timescale, 12);
  b.writeUInt32BE(duration, 16);
  b.writeUInt32BE(0x10000, 20);
  return box("mvhd", b);
}

/** A track header of `width`×`height`, turned a quarter when `rotated`. */
function tkhd(width: number, height: number, rotated: boolean): Buffer {
  const b = Buffer.alloc(84);
  b.writeUInt32BE(3, 0);
  const matrix = rotated
    ? [0, 0x10000, 0, -0x10000, 0, 0, 0, 0, 0x40000000]
    : [0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000];
  matrix.forEach((v, i) => b.writeInt32BE(v, 40 + i * 4));
  b.writeUInt32BE(width * 0x10000, 76);
  b.writeUInt32BE(height * 0x10000, 80);
  return box("tkhd", b);
}

function track(handler: "vide" | "soun", width: number, height: number, rotated = false): Buffer {
  const hdlr = Buffer.alloc(25);
  hdlr.write(handler, 8, "latin1");
  return box("trak", tkhd(width, height, rotated), box("mdia", box("hdlr", hdlr)));
}

/** An MP4 with only headers: a sound track, then a video track, the movie box after the media data. */
function mp4(durationMs: number, rotated: boolean): Buffer {
  const ftyp = box("ftyp", Buffer.from("isom\0\0\x02\0isomiso2mp41", "latin1"));
  const mdat = box("mdat", Buffer.alloc(50_000, 7));
  const moov = box("moov", mvhd(1000, durationMs), track("soun", 0, 0), track("vide", 1920, 1080, rotated));
  return Buffer.concat([ftyp, mdat, moov]);
}

describe("SharpMediaProbe images", () => {
  test("PNG and JPEG report their dimensions and get a WebP thumbnail of at most 320 px, same aspect", async () => {
    for (const bytes of [await solid(1200, 675).png().toBuffer(), await noise(1200, 675).jpeg().toBuffer()]) {
      const mime = bytes[0] === 0x89 ? "image/png" : "image/jpeg";
      const info = await probe.inspect(bytes, mime);
      assert.equal(info.width, 1200);
      assert.equal(info.height, 675);
      assert.equal(info.durationMs, undefined);
      const thumb = await metadataOf(info.thumbnail);
      assert.equal(thumb.format, "webp");
      assert.equal(thumb.width, 320);
      assert.equal(thumb.height, 180);
    }
  });

  test("a tall image is bounded by its height", async () => {
    const info = await probe.inspect(await solid(300, 900).png().toBuffer(), "image/png");
    const thumb = await metadataOf(info.thumbnail);
    assert.deepEqual([thumb.width, thumb.height], [107, 320]);
  });

  test("a small image is not enlarged", async () => {
    const info = await probe.inspect(await solid(100, 50).webp().toBuffer(), "image/webp");
    assert.deepEqual([info.width, info.height], [100, 50]);
    const thumb = await metadataOf(info.thumbnail);
    assert.deepEqual([thumb.format, thumb.width, thumb.height], ["webp", 100, 50]);
  });

  test("the thumbnail side can be configured", async () => {
    const small = new SharpMediaProbe({ maxImagePixels: 1_000_000, thumbnailMaxSide: 64 });
    const info = await small.inspect(await solid(640, 480).png().toBuffer(), "image/png");
    const thumb = await metadataOf(info.thumbnail);
    assert.deepEqual([thumb.width, thumb.height], [64, 48]);
  });

  test("an EXIF-rotated JPEG reports the size as displayed and its thumbnail is upright", async () => {
    const bytes = await solid(400, 200).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const info = await probe.inspect(bytes, "image/jpeg");
    assert.deepEqual([info.width, info.height], [200, 400]);
    const thumb = await metadataOf(info.thumbnail);
    assert.deepEqual([thumb.width, thumb.height], [160, 320]);
    assert.equal(thumb.orientation, undefined);
  });

  test("an animated GIF reports one frame's size and its thumbnail is the first frame", async () => {
    const frames = await Promise.all(["red", "lime", "blue"].map((c) => solid(50, 40, c).png().toBuffer()));
    const gif = await sharp(frames, { join: { animated: true } })
      .gif()
      .toBuffer();
    const info = await probe.inspect(gif, "image/gif");
    assert.deepEqual([info.width, info.height], [50, 40]);
    const thumb = await metadataOf(info.thumbnail);
    assert.deepEqual([thumb.width, thumb.height, thumb.pages ?? 1], [50, 40, 1]);
    const { channels } = await sharp(info.thumbnail).stats();
    assert.ok(channels[0]!.mean > 200 && channels[1]!.mean < 50, "the first frame is red");
  });

  test("an image at the pixel limit is accepted", async () => {
    const info = await probe.inspect(await solid(1000, 1000).png().toBuffer(), "image/png");
    assert.deepEqual([info.width, info.height], [1000, 1000]);
  });

  test("a decompression bomb is refused from its header, before any pixel is decoded", async () => {
    await refused(probe.inspect(pngClaiming(20000, 20000), "image/png"), /20000×20000 pixels/);
    const real = await solid(2000, 2000).png({ palette: true, colours: 2 }).toBuffer();
    assert.ok(real.length < 20_000);
    await refused(probe.inspect(real, "image/png"), /2000×2000 pixels, more than the 1000000 allowed/);
  });

  test("truncated PNG and JPEG files are refused as undecodable", async () => {
    const png = await noise(400, 300).png().toBuffer();
    const jpeg = await noise(400, 300).jpeg().toBuffer();
    await refused(probe.inspect(png.subarray(0, png.length >> 1), "image/png"), /cannot be decoded/);
    await refused(probe.inspect(jpeg.subarray(0, jpeg.length >> 1), "image/jpeg"), /cannot be decoded/);
    await refused(probe.inspect(png.subarray(0, 40), "image/png"));
  });

  test("bytes that are not the image their type says are refused", async () => {
    await refused(probe.inspect(Buffer.from("hello, not an image"), "image/png"), /not an image in PNG/);
    const jpeg = await solid(20, 20).jpeg().toBuffer();
    await refused(probe.inspect(jpeg, "image/png"), /JPEG format, not PNG/);
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>');
    await refused(probe.inspect(svg, "image/png"));
  });

  test("types other than images, audio and video, and images not decoded here, give nothing", async () => {
    const png = await solid(20, 20).png().toBuffer();
    assert.deepEqual(await probe.inspect(png, "application/octet-stream"), {});
    assert.deepEqual(await probe.inspect(Buffer.from("%PDF-1.7"), "application/pdf"), {});
    assert.deepEqual(await probe.inspect(Buffer.from("<svg/>"), "image/svg+xml"), {});
    assert.deepEqual(await probe.inspect(Buffer.from("BM...."), "image/bmp"), {});
  });

  test("an image is read from a local file as well", async () => {
    const dir = await mkdtemp(join(tmpdir(), "starling-media-"));
    try {
      const path = join(dir, "upload");
      await writeFile(path, await solid(640, 360).png().toBuffer());
      const info = await probe.inspect(path, "image/png");
      assert.deepEqual([info.width, info.height], [640, 360]);
      assert.equal((await metadataOf(info.thumbnail)).width, 320);
      await writeFile(path, pngClaiming(20000, 20000));
      await refused(probe.inspect(path, "image/png"), /pixels/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("concurrent requests all complete", async () => {
    const bytes = await noise(800, 600).jpeg().toBuffer();
    const all = await Promise.all(Array.from({ length: 8 }, () => probe.inspect(bytes, "image/jpeg")));
    assert.ok(all.every((i) => i.width === 800 && i.thumbnail !== undefined));
  });
});

describe("SharpMediaProbe avatars", () => {
  test("one square WebP per size, cropped from the centre", async () => {
    const stripes = await sharp({ create: { width: 300, height: 100, channels: 3, background: "red" } })
      .composite([
        {
          input: { create: { width: 100, height: 100, channels: 3, background: "lime" } },
          left: 100,
          top: 0,
        },
        {
          input: { create: { width: 100, height: 100, channels: 3, background: "blue" } },
          left: 200,
          top: 0,
        },
      ])
      .png()
      .toBuffer();
    const out = await probe.avatar(stripes, [256, 64, 32]);
    assert.equal(out.length, 3);
    for (const [i, size] of [256, 64, 32].entries()) {
      const m = await metadataOf(out[i]);
      assert.deepEqual([m.format, m.width, m.height], ["webp", size, size]);
    }
    const { channels } = await sharp(out[1]).stats();
    assert.ok(
      channels[1]!.mean > 200 && channels[0]!.mean < 50 && channels[2]!.mean < 50,
      "the centre is green",
    );
  });

  test("an EXIF-rotated photo is upright in its avatar", async () => {
    const redLeftBlueRight = await sharp({
      create: { width: 200, height: 100, channels: 3, background: "blue" },
    })
      .composite([
        { input: { create: { width: 100, height: 100, channels: 3, background: "red" } }, left: 0, top: 0 },
      ])
      .jpeg({ quality: 95 })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const [avatar] = await probe.avatar(redLeftBlueRight, [40]);
    const { data, info } = await sharp(avatar).raw().toBuffer({ resolveWithObject: true });
    const pixel = (x: number, y: number) => [
      ...data.subarray((y * 40 + x) * info.channels, (y * 40 + x) * info.channels + 3),
    ];
    const [r1, , b1] = pixel(39, 0);
    const [r2, , b2] = pixel(0, 39);
    assert.ok(r1! > 200 && b1! < 60, `turned upright, red is on top: ${pixel(39, 0)}`);
    assert.ok(r2! < 60 && b2! > 200, `turned upright, blue is below: ${pixel(0, 39)}`);
  });

  test("no sizes, no renditions", async () => {
    assert.deepEqual(await probe.avatar(await solid(10, 10).png().toBuffer(), []), []);
  });

  test("the same limits and refusals as for images apply", async () => {
    await refused(probe.avatar(pngClaiming(20000, 20000), [64]), /pixels/);
    await refused(probe.avatar(Buffer.from("not an image"), [64]), /not an image/);
    const jpeg = await noise(200, 200).jpeg().toBuffer();
    await refused(probe.avatar(jpeg.subarray(0, jpeg.length >> 1), [64]), /cannot be decoded/);
    await assert.rejects(probe.avatar(jpeg, [0]), RangeError);
    await assert.rejects(probe.avatar(jpeg, [1.5]), RangeError);
  });
});

describe("SharpMediaProbe audio and video", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "starling-media-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test("a WAV file's duration, from bytes and from a file", async () => {
    const bytes = wav(1.5);
    const info = await probe.inspect(bytes, "audio/wav");
    assert.ok(Math.abs((info.durationMs ?? 0) - 1500) <= 1, `durationMs ${info.durationMs}`);
    assert.equal(info.width, undefined);
    assert.equal(info.thumbnail, undefined);
    const path = join(dir, "voice.wav");
    await writeFile(path, bytes);
    const fromFile = await probe.inspect(path, "audio/wav");
    assert.ok(Math.abs((fromFile.durationMs ?? 0) - 1500) <= 1, `durationMs ${fromFile.durationMs}`);
  });

  test("an MP4 video's duration and displayed size, its movie box after the media data", async () => {
    assert.deepEqual(await probe.inspect(mp4(2500, false), "video/mp4"), {
      durationMs: 2500,
      width: 1920,
      height: 1080,
    });
    const path = join(dir, "clip.mp4");
    await writeFile(path, mp4(61_234, true));
    assert.deepEqual(await probe.inspect(path, "video/mp4"), {
      durationMs: 61_234,
      width: 1080,
      height: 1920,
    });
  });

  test("damaged or unknown audio and video give nothing rather than an error", async () => {
    const junk = Buffer.from("definitely not media ".repeat(50));
    for (const mime of [
      "audio/mpeg",
      "audio/wav",
      "audio/ogg",
      "video/mp4",
      "video/webm",
      "video/quicktime",
    ]) {
      assert.deepEqual(await probe.inspect(junk, mime), {}, mime);
    }
    const cut = mp4(2500, false).subarray(0, 60);
    assert.deepEqual(await probe.inspect(cut, "video/mp4"), {});
    assert.deepEqual(await probe.inspect(wav(1).subarray(0, 20), "audio/wav"), {});
  });
});
