import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { LIBRIVOX_DIR } from "./media-makers.ts";

/**
 * Uploads that make an unguarded ffmpeg read files of the server's (issue 17): playlists,
 * manifests and concat scripts naming a local recording. Each one, given to plain
 * `ffmpeg -i`, decodes the secret recording; an upload must never do that.
 */
export type ReferenceAttack = {
  name: string;
  path: string;
  /** True when plain `ffmpeg -i` (ffmpeg's defaults, no guards of ours) decodes the secret from it. */
  live: boolean;
};

export type ReferenceAttackKit = {
  /** A unique string, written in `markerFile` (with `spokenWords`). */
  marker: string;
  /** Words the secret recording speaks that pocketsphinx recognises; none may turn up in any output. */
  spokenWords: string[];
  markerFile: string;
  /** The local recordings the attacks point at, one per format. */
  secretAudio: Record<"mp3" | "ts" | "flac" | "mov", string>;
  attacks: ReferenceAttack[];
};

/** "had he married a more amiable woman he might have been made still more respectable than he was" */
const SECRET_CLIP = join(LIBRIVOX_DIR, "sense_and_sensibility_01_austen_64kb-0920.wav");
const SPOKEN = ["married", "amiable", "respectable"];

function run(bin: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
    child.once("error", reject);
    child.once("close", (code) => (code === 0 ? resolve() : reject(new Error(`${bin} exited ${code}: ${err.trim()}`))));
  });
}

/**
 * Writes the secret (in `secretDir`, which should be somewhere a real server keeps its own
 * files) and the attacks (in `uploadDir`), each attack named `.mp4` as the finding's was. The
 * secret files are world-readable on purpose: the guard must hold even then.
 */
export async function makeReferenceAttacks(secretDir: string, uploadDir: string): Promise<ReferenceAttackKit> {
  await mkdir(secretDir, { recursive: true });
  const marker = `MP4T-MARKER-${randomBytes(8).toString("hex")}`;
  const markerFile = join(secretDir, "marker.txt");
  await writeFile(markerFile, `${marker}\n${SPOKEN.join(" ")}\n`);
  const secretAudio = {
    mp3: join(secretDir, "secret.mp3"),
    ts: join(secretDir, "secret.ts"),
    flac: join(secretDir, "secret.flac"),
    mov: join(secretDir, "secret.mov"),
  };
  const ffmpeg = (args: string[]) => run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-nostdin", "-y", ...args]);
  for (const out of [secretAudio.mp3, secretAudio.ts, secretAudio.flac]) await ffmpeg(["-i", SECRET_CLIP, out]);
  // The MOV pair for the data-reference attack: same length and PCM format, so the same layout.
  const movArgs = ["-t", "3", "-ar", "16000", "-ac", "1", "-c:a", "pcm_s16le", "-fflags", "+bitexact", "-map_metadata", "-1", "-f", "mov"];
  await ffmpeg(["-i", SECRET_CLIP, ...movArgs, secretAudio.mov]);
  const cover = join(uploadDir, "cover.mov");
  await mkdir(uploadDir, { recursive: true });
  await ffmpeg(["-f", "lavfi", "-i", "anullsrc=r=16000:cl=mono:d=3", ...movArgs, cover]);
  for (const f of [markerFile, ...Object.values(secretAudio)]) await chmod(f, 0o644);

  const hls = (entries: string[]) =>
    ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-TARGETDURATION:30", ...entries.flatMap((e) => ["#EXTINF:10.0,", e]), "#EXT-X-ENDLIST", ""].join("\n");
  const dash = `<?xml version="1.0" encoding="UTF-8"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" mediaPresentationDuration="PT5S" minBufferTime="PT1S" profiles="urn:mpeg:dash:profile:isoff-on-demand:2011">
  <Period><AdaptationSet mimeType="audio/mpeg"><Representation id="a" bandwidth="64000">
    <BaseURL>file://${secretAudio.mp3}</BaseURL>
  </Representation></AdaptationSet></Period>
</MPD>
`;
  // ffmpeg's own defaults stop some (concat's `safe`, DASH's extension list, HLS segments of
  // mixed formats); they are here because an operator or a future build may loosen those.
  const bodies: [string, boolean, string | Uint8Array][] = [
    ["hls-mp3-path", true, hls([secretAudio.mp3])],
    ["hls-ts-path", true, hls([secretAudio.ts])],
    ["hls-file-url", true, hls([`file:${secretAudio.flac}`])],
    ["hls-marker-text", false, hls([markerFile])],
    // A NUL in a comment line: not text to a sniffer, still a playlist to ffmpeg's HLS demuxer.
    ["hls-with-nul", true, Buffer.concat([Buffer.from(hls([secretAudio.mp3])), Buffer.from("#\0\n")])],
    ["ffconcat", false, `ffconcat version 1.0\nfile ${secretAudio.mp3}\nfile ${markerFile}\n`],
    ["concat-list", false, `file '${secretAudio.mp3}'\nfile '${secretAudio.flac}'\n`],
    ["dash-mpd", false, dash],
    // Silence whose track's samples live in the secret MOV; ffmpeg reads them only when told
    // `-enable_drefs 1 -use_absolute_path 1`.
    ["mov-dref", false, await withDataReference(cover, secretAudio.mov)],
  ];
  const attacks = await Promise.all(
    bodies.map(async ([name, live, body]) => {
      const path = join(uploadDir, `${name}.mp4`);
      await writeFile(path, body);
      return { name, path, live };
    }),
  );
  return { marker, spokenWords: SPOKEN, markerFile, secretAudio, attacks };
}

/** The atoms from the movie box down to the first track's data-reference box. */
const DREF_CHAIN = ["moov", "trak", "mdia", "minf", "dinf", "dref"];

/**
 * A copy of the MOV at `path` whose first track's sample data is declared to live in the file
 * at `target` (a Macintosh alias record with an absolute path, as QuickTime reference movies
 * have). The movie box follows the media data, so growing it moves no sample offset.
 */
async function withDataReference(path: string, target: string): Promise<Buffer> {
  const b = await readFile(path);
  const offsets: number[] = [];
  let [start, end] = [0, b.length];
  for (const name of DREF_CHAIN) {
    let at = start;
    while (at + 8 <= end && b.toString("latin1", at + 4, at + 8) !== name) at += Math.max(8, b.readUInt32BE(at));
    if (at + 8 > end) throw new Error(`no ${name} box in ${path}`);
    offsets.push(at);
    [start, end] = [at + 8, at + b.readUInt32BE(at)];
  }
  const targetPath = Buffer.from(target);
  const field = (n: number) => Buffer.alloc(n);
  const name = Buffer.alloc(64);
  name.writeUInt8(Math.min(63, "secret.mov".length), 0);
  name.write("secret.mov", 1, "latin1");
  const record = Buffer.concat([
    field(10),
    field(1 + 27),
    field(12),
    name,
    field(16),
    u16(0, 0),
    field(16), // header, volume, file name, levels
    u16(2, targetPath.length),
    targetPath,
    field(targetPath.length % 2),
    u16(0xffff, 0), // absolute path, end
  ]);
  const alis = Buffer.concat([u32(12 + record.length), Buffer.from("alis"), u32(0), record]);
  const dref = Buffer.concat([u32(16 + alis.length), Buffer.from("dref"), u32(0), u32(1), alis]);
  const at = offsets.at(-1)!;
  const oldSize = b.readUInt32BE(at);
  const out = Buffer.concat([b.subarray(0, at), dref, b.subarray(at + oldSize)]);
  for (const o of offsets.slice(0, -1)) out.writeUInt32BE(out.readUInt32BE(o) + dref.length - oldSize, o);
  return out;
}

const u32 = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v);
  return b;
};
const u16 = (...v: number[]) => {
  const b = Buffer.alloc(2 * v.length);
  v.forEach((x, i) => b.writeUInt16BE(x, 2 * i));
  return b;
};

/** Little-endian 32-bit fields, as a Vorbis comment packet has them. */
const u32le = (...ns: number[]) => {
  const b = Buffer.alloc(4 * ns.length);
  ns.forEach((n, i) => b.writeUInt32LE(n, 4 * i));
  return b;
};

/** CRC-32 of an Ogg page (polynomial 0x04c11db7, no reflection, no final xor). */
const OGG_CRC = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let j = 0; j < 8; j++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    table[i] = r >>> 0;
  }
  return (b: Uint8Array) => {
    let c = 0;
    for (const x of b) c = ((c << 8) ^ table[((c >>> 24) ^ x) & 255]!) >>> 0;
    return c;
  };
})();

/**
 * An Ogg Vorbis upload that makes ffmpeg print `text` (up to 63 bytes, line breaks and all) into
 * its log while it decodes, after its listing of the output: 1 s of audio, then 200 packets that
 * fail to decode (so ffmpeg exits non-zero), then a Vorbis comment packet whose
 * METADATA_BLOCK_PICTURE names `text` as its MIME type (ffmpeg's Ogg demuxer reads the tags
 * again mid-stream and logs "Unknown attached picture mimetype: <text>").
 */
export async function makeOggLoggingText(target: string, text: string): Promise<string> {
  const plain = `${target}.plain.ogg`;
  await run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-f", "lavfi", "-i", "sine=f=440:d=3:r=16000", "-c:a", "libvorbis", plain]);
  const b = await readFile(plain);
  const pages: Buffer[] = [];
  for (let at = 0; at < b.length; ) {
    if (b.toString("latin1", at, at + 4) !== "OggS") throw new Error(`not an Ogg page at ${at}`);
    const segments = b[at + 26]!;
    let len = 27 + segments;
    for (let i = 0; i < segments; i++) len += b[at + 27 + i]!;
    pages.push(Buffer.from(b.subarray(at, at + len)));
    at += len;
  }
  const serial = pages[0]!.readUInt32LE(14);
  const page = (packet: Buffer, granule: bigint, seq: number) => {
    const lacing: number[] = [];
    let n = packet.length;
    for (; n >= 255; n -= 255) lacing.push(255);
    lacing.push(n);
    const h = Buffer.alloc(27 + lacing.length);
    h.write("OggS", 0, "latin1");
    h.writeBigInt64LE(granule, 6);
    h.writeUInt32LE(serial, 14);
    h.writeUInt32LE(seq, 18);
    h[26] = lacing.length;
    lacing.forEach((s, i) => (h[27 + i] = s));
    const p = Buffer.concat([h, packet]);
    p.writeUInt32LE(OGG_CRC(p), 22);
    return p;
  };
  const mime = Buffer.from(text, "latin1");
  const picture = Buffer.alloc(8 + mime.length + 64);
  picture.writeUInt32BE(3, 0); // front cover
  picture.writeUInt32BE(mime.length, 4);
  mime.copy(picture, 8);
  const tag = Buffer.from(`METADATA_BLOCK_PICTURE=${picture.toString("base64")}`, "latin1");
  const vendor = Buffer.from("x");
  const comment = Buffer.concat([Buffer.from([3]), Buffer.from("vorbis", "latin1"), u32le(vendor.length), vendor, u32le(1, tag.length), tag, Buffer.from([1])]);
  let headers = 0;
  while (pages[headers]!.readBigInt64LE(6) === 0n) headers++;
  const kept = pages.slice(0, headers + 1);
  const granule = kept.at(-1)!.readBigInt64LE(6);
  let seq = kept.at(-1)!.readUInt32LE(18) + 1;
  const junk = Array.from({ length: 200 }, () => page(Buffer.from([7, 1, 2, 3, 4, 5, 6, 7]), granule, seq++));
  await writeFile(target, Buffer.concat([...kept, ...junk, page(comment, granule, seq++)]));
  return target;
}

/**
 * A copy of the Matroska file at `source` whose EBML header names `docType` as its DocType
 * (ffmpeg still reads a DocType that starts with "matroska", and quotes an unknown one in a
 * warning before its listing, line breaks and all).
 */
export async function makeMatroskaWithDocType(source: string, target: string, docType: string): Promise<string> {
  const b = await readFile(source);
  if (b.readUInt32BE(0) !== 0x1a45dfa3) throw new Error(`${source} is not EBML`);
  // The header's size, an EBML variable-length integer after its 4-byte ID.
  const first = b[4]!;
  let len = 1;
  while (!(first & (0x80 >> (len - 1)))) len++;
  let size = first & (0xff >> len);
  for (let i = 1; i < len; i++) size = size * 256 + b[4 + i]!;
  const element = (id: string, payload: Buffer) => {
    const sized = Buffer.alloc(8);
    sized[0] = 0x01; // an 8-byte size
    sized.writeUIntBE(payload.length, 2, 6);
    return Buffer.concat([Buffer.from(id, "hex"), sized, payload]);
  };
  const byte = (n: number) => Buffer.from([n]);
  const header = Buffer.concat([
    element("4286", byte(1)), // EBMLVersion
    element("42f7", byte(1)), // EBMLReadVersion
    element("42f2", byte(4)), // EBMLMaxIDLength
    element("42f3", byte(8)), // EBMLMaxSizeLength
    element("4282", Buffer.from(docType, "latin1")),
    element("4287", byte(4)), // DocTypeVersion
    element("4285", byte(2)), // DocTypeReadVersion
  ]);
  await writeFile(target, Buffer.concat([element("1a45dfa3", header), b.subarray(4 + len + size)]));
  return target;
}
