import { request } from "node:http";
import { expect } from "vitest";

const TUS = { "tus-resumable": "1.0.0" };
const pause = () => new Promise((r) => setTimeout(r, 20));

/**
 * A tus upload whose first PATCH breaks off after a third of the file (the socket is destroyed,
 * as when a connection drops); HEAD then tells where the server got to, and the rest is sent
 * from there. Resolves to the job the last PATCH names.
 */
export async function resumeDroppedUpload(base: string, token: string, file: Buffer, name: string): Promise<string> {
  const auth = { authorization: `Bearer ${token}` };
  const created = await fetch(`${base}/v1/uploads`, {
    method: "POST",
    headers: { ...TUS, ...auth, "upload-length": String(file.length), "upload-metadata": `filename ${Buffer.from(name).toString("base64")}` },
  });
  expect(created.status).toBe(201);
  const url = `${base}${created.headers.get("location")}`;
  const cut = Math.floor(file.length / 3);
  const offsetNow = async () => {
    const head = await fetch(url, { method: "HEAD", headers: { ...TUS, ...auth } });
    expect(head.status).toBe(200);
    return Number(head.headers.get("upload-offset"));
  };
  const req = request(url, {
    method: "PATCH",
    headers: { ...TUS, ...auth, "upload-offset": "0", "content-type": "application/offset+octet-stream", "content-length": String(file.length) },
  });
  req.on("error", () => undefined);
  req.write(file.subarray(0, cut));
  // Cut once the server has stored what was sent (earlier, bytes in its socket buffer could be lost and the test would hang on timing).
  for (const t0 = Date.now(); (await offsetNow()) < cut; await pause()) if (Date.now() - t0 > 30_000) throw new Error("the first third never arrived");
  req.destroy();
  // The next PATCH waits until the server has noticed the drop (until then the upload is locked).
  let offset = await offsetNow();
  expect(offset).toBe(cut);
  let rest: Response;
  for (const t0 = Date.now(); ; ) {
    rest = await fetch(url, {
      method: "PATCH",
      headers: { ...TUS, ...auth, "upload-offset": String(offset), "content-type": "application/offset+octet-stream" },
      body: file.subarray(offset),
    });
    if (rest.status !== 409 || Date.now() - t0 > 30_000) break;
    await pause();
    offset = await offsetNow();
  }
  expect(rest.status).toBe(204);
  const jobId = rest.headers.get("mp4t-job-id");
  expect(jobId).toMatch(/^[0-9a-z]{26}$/);
  return jobId!;
}
