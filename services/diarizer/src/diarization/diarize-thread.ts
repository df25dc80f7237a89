import { Worker } from "node:worker_threads";
import type { Word } from "@mp4t/contracts";
import { diarize, type Diarization, type DiarizeOptions } from "./diarize.ts";
import { linkProviderSpeakers } from "./link-speakers.ts";
import type { Audio } from "./wav.ts";

type LinkOptions = { speakers?: number; maxSpeakers?: number; yield?: () => Promise<void> };

export type ThreadRequest = { id: number; sampleRate: number; samples: Float32Array } & (
  | { kind: "diarize"; opts: Omit<DiarizeOptions, "yield"> }
  | { kind: "link"; words: Word[]; opts: Omit<LinkOptions, "yield"> }
);
export type ThreadReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

/** The diarizer's CPU work (MFCC, clustering, resegmentation), on this thread or a worker thread. */
export type DiarizeRunner = {
  diarize(audio: Audio, opts: DiarizeOptions): Promise<Diarization>;
  linkProviderSpeakers(audio: Audio, words: Word[], opts: LinkOptions): Promise<Word[]>;
  close(): Promise<void>;
};

export const inlineRunner: DiarizeRunner = { diarize, linkProviderSpeakers, close: async () => undefined };

/** An idle worker thread ends after this long: no resident isolate while no job is diarized. */
const IDLE_MS = 30_000;
/** While the thread works, `yield` (the handler's heartbeat) still runs this often on the main loop. */
const BEAT_MS = 1000;

/**
 * Runs the work on one worker thread, started on first use. In the all-in-one process a second
 * of MFCC and clustering per job would otherwise hold every service's event loop (the gateway's
 * HTTP answers waited up to 2 s under load); the thread keeps them responsive.
 */
export function threadRunner(): DiarizeRunner {
  let worker: Worker | undefined;
  let idle: NodeJS.Timeout | undefined;
  let next = 0;
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  const thread = () => {
    clearTimeout(idle);
    if (worker) return worker;
    const w = new Worker(new URL("./diarize-thread.worker.ts", import.meta.url));
    w.on("message", (r: ThreadReply) => {
      const p = pending.get(r.id);
      pending.delete(r.id);
      if (r.ok) p?.resolve(r.result);
      else p?.reject(new Error(`diarizer thread: ${r.error}`));
      if (pending.size) return;
      idle = setTimeout(() => {
        if (worker === w) worker = undefined;
        void w.terminate();
      }, IDLE_MS).unref();
    });
    const fail = (err: Error) => {
      if (worker !== w) return; // an idle thread that was ended
      worker = undefined;
      for (const p of pending.values()) p.reject(err);
      pending.clear();
    };
    w.on("error", fail);
    w.on("exit", (code) => fail(new Error(`diarizer thread exited (${code})`)));
    w.unref();
    return (worker = w);
  };
  const call = async <T>(req: ThreadRequest, beat?: () => Promise<void>): Promise<T> => {
    const timer = beat ? setInterval(() => void beat(), BEAT_MS) : undefined;
    try {
      return await new Promise<T>((resolve, reject) => {
        pending.set(req.id, { resolve: resolve as (v: unknown) => void, reject });
        // Samples in shared memory (the handler's kept decode buffer) go as they are: the thread
        // reads the caller's memory, which the caller reuses only once this call has settled (on
        // the thread's answer, or once the thread is gone). Others go as a copy of just
        // themselves, handed over: a view's whole buffer would be cloned otherwise.
        const shared = req.samples?.buffer instanceof SharedArrayBuffer;
        const samples = !shared && ArrayBuffer.isView(req.samples) ? req.samples.slice() : req.samples;
        const handed = samples?.buffer;
        thread().postMessage({ ...req, samples }, handed instanceof ArrayBuffer ? [handed] : []);
      });
    } finally {
      clearInterval(timer);
    }
  };
  return {
    diarize: ({ sampleRate, samples }, { yield: beat, ...opts }) => call({ id: next++, kind: "diarize", sampleRate, samples, opts }, beat),
    linkProviderSpeakers: ({ sampleRate, samples }, words, { yield: beat, ...opts }) =>
      call({ id: next++, kind: "link", sampleRate, samples, words, opts }, beat),
    async close() {
      clearTimeout(idle);
      await worker?.terminate();
    },
  };
}
