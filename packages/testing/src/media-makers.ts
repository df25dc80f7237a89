import { spawn } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { copyFile, mkdir, readFile, rename, rm, stat, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** The Debian pocketsphinx package's LibriVox test clips: 16 kHz mono speech with reference text. */
export const LIBRIVOX_DIR = "/usr/share/pocketsphinx/test/data/librivox";

export type LibrivoxClip = { id: string; path: string; reference: string; durationSec: number };

const SILENCE_BETWEEN_SEC = 1;

function run(bin: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
    child.once("error", reject);
    child.once("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`${bin} exited ${code}: ${err.trim()}`))));
  });
}

/** Makers take a file path, or a directory to put a file of the default name in. */
async function outFile(pathOrDir: string, defaultName: string): Promise<string> {
  const s = await stat(pathOrDir).catch(() => null);
  return s?.isDirectory() ? join(pathOrDir, defaultName) : pathOrDir;
}

/** The makers' video: H.264, fast to encode, in the pixel format every player takes. */
const H264 = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"];
/** The makers' audio in an MP4: AAC at 96 kb/s. */
const AAC_96K = ["-c:a", "aac", "-b:a", "96k"];

const ffmpeg = (args: string[]) => run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-nostdin", "-y", ...args]);

/**
 * Where the costly makers keep what they made (a LibriVox MP4 takes ffmpeg about 2 CPU-seconds,
 * and many test files want the same one): in the checkout, so a fresh clone starts empty and no
 * other user of the machine can plant a file in it. MP4T_TEST_MEDIA_CACHE moves it (the cache's
 * own test uses a directory of its own).
 */
const cacheDir = () => process.env.MP4T_TEST_MEDIA_CACHE || join(import.meta.dirname, "..", "..", "..", "node_modules", ".cache", "mp4t-media");
/** This file's text is part of every key: a changed maker does not reuse what an older one made. */
let makersSource: Promise<string> | undefined;

/**
 * `make(outPath)`, or a copy of what it made before for the same `name`, arguments, input files
 * (their size and modification time) and makers' code, with the result it returned then (`path`
 * set to `outPath`). Test files run in parallel processes: each writes under a name of its own
 * and renames it into place, the media before its result, so a reader never sees half a file.
 */
async function cachedMedia<T extends { path: string }>(
  name: string,
  args: unknown[],
  inputs: string[],
  outPath: string,
  make: (outPath: string) => Promise<T>,
): Promise<T> {
  const stats = await Promise.all(inputs.map(async (f) => stat(f).then((s) => [f, s.size, s.mtimeMs])));
  makersSource ??= readFile(import.meta.filename, "utf8");
  const key = createHash("sha256")
    .update(JSON.stringify([await makersSource, name, args, stats]))
    .digest("hex")
    .slice(0, 24);
  const dir = cacheDir();
  const file = join(dir, `${name}-${key}`);
  const meta = await readFile(`${file}.json`, "utf8").catch(() => null);
  if (
    meta !== null &&
    (await copyFile(file, outPath).then(
      () => true,
      () => false,
    ))
  )
    return { ...(JSON.parse(meta) as T), path: outPath };
  const made = await make(outPath);
  await mkdir(dir, { recursive: true });
  const tmp = `${file}.${randomUUID()}`;
  await copyFile(outPath, tmp);
  await rename(tmp, file);
  await writeFile(tmp, JSON.stringify(made));
  await rename(tmp, `${file}.json`);
  return made;
}

const librivoxInputs = async (dir: string) => [join(dir, "fileids"), join(dir, "transcription"), ...(await clipIds(dir)).map((id) => join(dir, `${id}.wav`))];

async function clipIds(dir: string): Promise<string[]> {
  return (await readFile(join(dir, "fileids"), "utf8"))
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
}

/** Container duration in seconds, as ffprobe reports it. */
export async function probeDurationSec(path: string): Promise<number> {
  const out = await run("ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", path]);
  return Number(out.trim());
}

/** The clips in `fileids` order, each with its reference transcript (sentence markers removed). */
export async function librivoxClips(dir = LIBRIVOX_DIR): Promise<LibrivoxClip[]> {
  const ids = await clipIds(dir);
  const refs = new Map<string, string>();
  for (const line of (await readFile(join(dir, "transcription"), "utf8")).split("\n")) {
    const m = /^(.*)\((\S+)\)\s*$/.exec(line.trim());
    if (m)
      refs.set(
        m[2]!,
        m[1]!
          .replace(/<\/?s>/g, " ")
          .replace(/\s+/g, " ")
          .trim(),
      );
  }
  return Promise.all(
    ids.map(async (id) => {
      const reference = refs.get(id);
      if (reference === undefined) throw new Error(`no reference transcript for ${id}`);
      const path = join(dir, `${id}.wav`);
      return { id, path, reference, durationSec: await probeDurationSec(path) };
    }),
  );
}

/** ffmpeg filter joining inputs 0..n-1 with SILENCE_BETWEEN_SEC of silence between them, as [a]. */
function joinedAudio(n: number): string {
  const pads = Array.from({ length: n }, (_, i) => (i < n - 1 ? `[${i}:a]apad=pad_dur=${SILENCE_BETWEEN_SEC}[a${i}]` : `[${i}:a]anull[a${i}]`));
  return [...pads, `${pads.map((_, i) => `[a${i}]`).join("")}concat=n=${n}:v=0:a=1[a]`].join(";");
}

/**
 * The first `count` LibriVox clips joined with ~1 s of silence between them, as an MP3 (LAME,
 * 64 kb/s mono): a realistic audio-only upload with a known transcript.
 */
export async function makeLibrivoxMp3(target: string, count = 2, clipsDir = LIBRIVOX_DIR): Promise<{ path: string; reference: string; durationSec: number }> {
  const outPath = await outFile(target, "librivox.mp3");
  return cachedMedia("librivox-mp3", [count], await librivoxInputs(clipsDir), outPath, async (outPath) => {
    const clips = (await librivoxClips(clipsDir)).slice(0, count);
    await ffmpeg([
      ...clips.flatMap((c) => ["-i", c.path]),
      "-filter_complex",
      joinedAudio(clips.length),
      "-map",
      "[a]",
      "-c:a",
      "libmp3lame",
      "-b:a",
      "64k",
      "-f",
      "mp3",
      outPath,
    ]);
    return { path: outPath, reference: clips.map((c) => c.reference).join(" "), durationSec: await probeDurationSec(outPath) };
  });
}

/**
 * The five LibriVox clips (28 s; the first `clips` of them when given: two last 11 s, for a test
 * that needs a real job but not the whole text) joined with ~1 s of silence between them, as an
 * MP4 with H.264 video (black 320x240) and AAC audio: a realistic upload with a known transcript.
 * `target` is the file to write, or a directory to write `librivox.mp4` in; the same holds for
 * every maker here.
 */
export async function makeLibrivoxMp4(
  target: string,
  { clipsDir = LIBRIVOX_DIR, clips: count }: { clipsDir?: string; clips?: number } = {},
): Promise<{ path: string; reference: string; durationSec: number }> {
  const outPath = await outFile(target, "librivox.mp4");
  return cachedMedia("librivox-mp4", [count ?? "all"], await librivoxInputs(clipsDir), outPath, async (outPath) => {
    const clips = (await librivoxClips(clipsDir)).slice(0, count);
    const total = clips.reduce((s, c) => s + c.durationSec, 0) + SILENCE_BETWEEN_SEC * (clips.length - 1);
    await ffmpeg([
      ...clips.flatMap((c) => ["-i", c.path]),
      "-f",
      "lavfi",
      "-i",
      `color=c=black:s=320x240:r=25:d=${total.toFixed(3)}`,
      "-filter_complex",
      joinedAudio(clips.length),
      "-map",
      `${clips.length}:v`,
      "-map",
      "[a]",
      ...H264,
      ...AAC_96K,
      "-shortest",
      "-f",
      "mp4",
      outPath,
    ]);
    return { path: outPath, reference: clips.map((c) => c.reference).join(" "), durationSec: await probeDurationSec(outPath) };
  });
}

/**
 * A long recording: the LibriVox MP4 (`makeLibrivoxMp4`) repeated, streams copied, until it lasts
 * at least `minSec` seconds. `target` is the file to write or a directory (`librivox-long.mp4`).
 */
export async function makeLongLibrivoxMp4(target: string, minSec: number, clipsDir = LIBRIVOX_DIR): Promise<{ path: string; durationSec: number }> {
  const outPath = await outFile(target, "librivox-long.mp4");
  return cachedMedia("librivox-long", [minSec], await librivoxInputs(clipsDir), outPath, async (outPath) => {
    const one = await makeLibrivoxMp4(`${outPath}.one.mp4`, { clipsDir });
    const loops = Math.max(0, Math.ceil(minSec / one.durationSec) - 1);
    await ffmpeg(["-stream_loop", String(loops), "-i", one.path, "-c", "copy", "-f", "mp4", outPath]);
    await rm(one.path, { force: true });
    return { path: outPath, durationSec: await probeDurationSec(outPath) };
  });
}

/** alsa-utils' speaker-test voice (a woman) saying each channel's name; what she says, in order. */
const ALSA_VOICE = ["Front_Left", "Front_Right", "Rear_Left", "Rear_Right", "Front_Center", "Rear_Center", "Side_Left", "Side_Right"];
export const ALSA_VOICE_TEXT = ALSA_VOICE.map((n) => n.replace("_", " ").toLowerCase()).join(" ");

/**
 * An MP4 (black video) with two audio tracks in two real voices: track 0 the LibriVox reader
 * (the five clips, or the first `clips`, as makeLibrivoxMp4), track 1 the alsa-utils speaker-test voice naming the eight
 * channels. Both tagged English. For audio-track selection: each track has its own known text.
 */
export async function makeTwoVoiceMp4(target: string, { clips: count }: { clips?: number } = {}): Promise<{ path: string; texts: [string, string] }> {
  const outPath = await outFile(target, "two-voices.mp4");
  const alsa = ALSA_VOICE.map((n) => `/usr/share/sounds/alsa/${n}.wav`);
  return cachedMedia("two-voices", [count ?? "all"], [...(await librivoxInputs(LIBRIVOX_DIR)), ...alsa], outPath, async (outPath) => {
    const clips = (await librivoxClips()).slice(0, count);
    const mono = "aresample=16000,aformat=channel_layouts=mono";
    const reader = clips.map((_, i) => `[${i}:a]${mono},apad=pad_dur=${SILENCE_BETWEEN_SEC}[r${i}]`);
    const woman = alsa.map((_, i) => `[${clips.length + i}:a]${mono},apad=pad_dur=0.5[w${i}]`);
    const filter = [
      ...reader,
      `${clips.map((_, i) => `[r${i}]`).join("")}concat=n=${clips.length}:v=0:a=1[a0]`,
      ...woman,
      `${alsa.map((_, i) => `[w${i}]`).join("")}concat=n=${alsa.length}:v=0:a=1[a1]`,
    ].join(";");
    const total = clips.reduce((s, c) => s + c.durationSec + SILENCE_BETWEEN_SEC, 0);
    await ffmpeg([
      ...clips.flatMap((c) => ["-i", c.path]),
      ...alsa.flatMap((f) => ["-i", f]),
      "-f",
      "lavfi",
      "-i",
      `color=c=black:s=320x240:r=25:d=${total.toFixed(3)}`,
      "-filter_complex",
      filter,
      "-map",
      `${clips.length + alsa.length}:v`,
      "-map",
      "[a0]",
      "-map",
      "[a1]",
      ...H264,
      ...AAC_96K,
      "-metadata:s:a:0",
      "language=eng",
      "-metadata:s:a:1",
      "language=eng",
      "-f",
      "mp4",
      outPath,
    ]);
    return { path: outPath, texts: [clips.map((c) => c.reference).join(" "), ALSA_VOICE_TEXT] as [string, string] };
  });
}

export type WavFormat = { sampleRate?: number; channels?: 1 | 2; codec?: "pcm_s16le" | "pcm_s32le" };

/**
 * A WAV holding nothing but digital silence; 16-bit 44.1 kHz stereo unless told otherwise.
 * Written bit-exact, so the header is the canonical 44 bytes (no LIST chunk).
 */
export async function makeSilenceWav(target: string, seconds = 5, format: WavFormat = {}): Promise<string> {
  const outPath = await outFile(target, "silence.wav");
  const layout = (format.channels ?? 2) === 1 ? "mono" : "stereo";
  await ffmpeg([
    "-f",
    "lavfi",
    "-i",
    `anullsrc=r=${format.sampleRate ?? 44_100}:cl=${layout}:d=${seconds}`,
    "-c:a",
    format.codec ?? "pcm_s16le",
    "-flags",
    "+bitexact",
    "-fflags",
    "+bitexact",
    "-map_metadata",
    "-1",
    "-f",
    "wav",
    outPath,
  ]);
  return outPath;
}

/** An MP4 with black video and a silent AAC track. */
export async function makeSilenceMp4(target: string, seconds = 5): Promise<string> {
  const outPath = await outFile(target, "silence.mp4");
  await ffmpeg([
    "-f",
    "lavfi",
    "-i",
    `color=c=black:s=320x240:r=25:d=${seconds}`,
    "-f",
    "lavfi",
    "-i",
    `anullsrc=r=44100:cl=stereo:d=${seconds}`,
    ...H264,
    "-c:a",
    "aac",
    "-shortest",
    "-f",
    "mp4",
    outPath,
  ]);
  return outPath;
}

/** A perfectly valid MP4 with a video stream and no audio stream. */
export async function makeVideoWithoutAudio(target: string, seconds = 3): Promise<string> {
  const outPath = await outFile(target, "no-audio.mp4");
  await ffmpeg(["-f", "lavfi", "-i", `testsrc=s=320x240:r=25:d=${seconds}`, ...H264, "-f", "mp4", outPath]);
  return outPath;
}

/**
 * Noise under whatever name the caller picks (e.g. `clip.mp4`): not media at all. The bytes are
 * pseudo-random from `seed` (xorshift32), the same on every run: fresh random bytes once in a while
 * look enough like some container ffmpeg knows (one not on our allow-list) that ingest answers
 * MEDIA_UNSUPPORTED_CONTAINER instead of MEDIA_UNREADABLE, and a test must get one answer.
 */
export async function makeRandomBytes(target: string, bytes = 64 * 1024, seed = 0x6d703474): Promise<string> {
  const outPath = await outFile(target, "random.mp4");
  const words = new Uint32Array(Math.ceil(bytes / 4));
  let x = seed >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  await writeFile(outPath, new Uint8Array(words.buffer, 0, bytes));
  return outPath;
}

/**
 * An MP4 (video + tone) cut to `keepFraction` of its size. ffmpeg writes the index (moov)
 * last, so the cut file has media data but no index, like an interrupted upload.
 */
export async function makeTruncatedMp4(target: string, keepFraction = 0.5): Promise<string> {
  const outPath = await outFile(target, "truncated.mp4");
  await ffmpeg([
    "-f",
    "lavfi",
    "-i",
    "testsrc=s=320x240:r=25:d=4",
    "-f",
    "lavfi",
    "-i",
    "sine=frequency=440:d=4",
    ...H264,
    "-c:a",
    "aac",
    "-shortest",
    "-f",
    "mp4",
    outPath,
  ]);
  const { size } = await stat(outPath);
  await truncate(outPath, Math.floor(size * keepFraction));
  return outPath;
}
