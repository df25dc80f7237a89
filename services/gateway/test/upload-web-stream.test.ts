import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { asWebStream } from "../src/jobs/receive-upload.ts";

describe("an upload's body as a web stream", () => {
  it("passes the parser's chunks on as they are, not copies, and ends with the source", async () => {
    const source = new PassThrough();
    const chunks = [Buffer.from("abc"), Buffer.from("defgh")];
    const reader = asWebStream(source).getReader();
    for (const c of chunks) source.write(c);
    source.end();
    const seen: Uint8Array[] = [];
    for (let r = await reader.read(); !r.done; r = await reader.read()) seen.push(r.value);
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBe(chunks[0]); // the same object: no copy made
    expect(seen[1]).toBe(chunks[1]);
  });

  it("pauses the source while nobody reads, and resumes it on the next read", async () => {
    const source = new PassThrough();
    const reader = asWebStream(source).getReader();
    source.write(Buffer.from("one"));
    source.write(Buffer.from("two"));
    await new Promise((r) => setImmediate(r));
    expect(source.isPaused()).toBe(true); // the web stream's queue (one chunk) is full
    expect((await reader.read()).value?.toString()).toBe("one");
    expect((await reader.read()).value?.toString()).toBe("two");
    source.end();
    expect((await reader.read()).done).toBe(true);
  });

  it("errors with the source's error (a file over the limit, a body cut off)", async () => {
    const source = new PassThrough();
    const reader = asWebStream(source).getReader();
    source.destroy(new Error("Unexpected end of multipart data"));
    await expect(reader.read()).rejects.toThrow("Unexpected end of multipart data");
  });

  it("destroys the source when the reader cancels (the store gave up), and takes no more chunks", async () => {
    const source = new PassThrough();
    const stream = asWebStream(source);
    await stream.cancel(new Error("disk full"));
    expect(source.destroyed).toBe(true);
    expect(() => source.write(Buffer.from("late"))).not.toThrow();
  });
});
