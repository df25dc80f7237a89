// Compiled (never run) by test/client.test.ts: the client's types must fit the API as documented.
import { createMp4tClient, followJobEvents, uploadMedia, type Job, type JobEvent, type Transcript } from "../src/index.ts";

export async function usage(file: Blob): Promise<void> {
  const client = createMp4tClient({ baseUrl: "http://localhost:8080", token: "mp4t_example" });

  const page = await client.GET("/v1/jobs", { params: { query: { status: "completed", limit: 10 } } });
  const jobs: Job[] = page.data?.items ?? [];
  const next: string | null | undefined = page.data?.next;

  const one = await client.GET("/v1/jobs/{id}", { params: { path: { id: jobs[0]!.id } } });
  if (one.error) {
    const code: "VALIDATION_FAILED" | "UNAUTHORIZED" | "NOT_FOUND" | "INSUFFICIENT_SCOPE" | "SERVICE_UNAVAILABLE" | "RATE_LIMITED" = one.error.error.code;
    void code;
  }
  const progress: number | undefined = one.data?.progress;

  const json = await client.GET("/v1/jobs/{id}/transcript", { params: { path: { id: "x" }, query: { format: "json" } } });
  // One operation serves every format, so data is the JSON document or (other formats) text.
  const transcript: Transcript | undefined = typeof json.data === "object" ? json.data : undefined;
  const srt = await client.GET("/v1/jobs/{id}/transcript", { params: { path: { id: "x" }, query: { format: "srt" } }, parseAs: "text" });
  const text: string | undefined = srt.data;

  // @ts-expect-error: not a format the API renders
  await client.GET("/v1/jobs/{id}/transcript", { params: { path: { id: "x" }, query: { format: "docx" } } });
  // @ts-expect-error: no such route
  await client.GET("/v1/job");

  const job: Job = await uploadMedia({ baseUrl: "http://localhost:8080", token: "t", file, fileName: "talk.mp4", options: { language: "en", diarize: false } });
  // @ts-expect-error: options are checked too
  await uploadMedia({ baseUrl: "", token: "t", file, fileName: "a", options: { diarize: "yes" } });
  for await (const ev of followJobEvents({ baseUrl: "http://localhost:8080", token: "t", jobId: job.id })) {
    const e: JobEvent = ev;
    const type: "queued" | "stage.started" | "progress" | "stage.done" | "completed" | "failed" | "canceled" | "transcript.updated" | "deleted" = e.type;
    void type;
  }
  void [next, progress, transcript, text];
}
