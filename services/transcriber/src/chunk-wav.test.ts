import { access, readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { chunkWav } from "./chunk-wav.ts";

describe("chunkWav", () => {
  it("writes its file only when asked for a path, once, and removes it on dispose", async () => {
    const bytes = new Uint8Array([82, 73, 70, 70, 1, 2, 3]);
    const wav = chunkWav(bytes);
    await wav.dispose(); // nothing written: nothing to remove
    const path = await wav.path();
    expect(path).toMatch(/chunk\.wav$/);
    expect(new Uint8Array(await readFile(path))).toEqual(bytes);
    expect(await wav.path()).toBe(path);
    await wav.dispose();
    await expect(access(path)).rejects.toMatchObject({ code: "ENOENT" });
  });
});
