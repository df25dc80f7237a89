// The worker thread of diarize-thread.ts: runs the diarizer's CPU work off the main event loop.
import { parentPort } from "node:worker_threads";
import { diarize } from "./diarize.ts";
import { linkProviderSpeakers } from "./link-speakers.ts";
import type { ThreadRequest, ThreadReply } from "./diarize-thread.ts";

const port = parentPort!;
port.on("message", (req: ThreadRequest) => {
  const audio = { sampleRate: req.sampleRate, samples: req.samples };
  const run = req.kind === "link" ? linkProviderSpeakers(audio, req.words, req.opts) : diarize(audio, req.opts);
  run.then(
    (result) => port.postMessage({ id: req.id, ok: true, result } satisfies ThreadReply),
    (err: unknown) => port.postMessage({ id: req.id, ok: false, error: String((err as Error)?.stack ?? err) } satisfies ThreadReply),
  );
});
