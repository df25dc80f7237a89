import { execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeLibrivoxMp4, makeSilenceWav } from "@mp4t/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, startSystem, untilEnded, login as apiLogin, type RunningSystem } from "../e2e/system.ts";

const CLIENT = join(import.meta.dirname, "..", "..", "packages", "client");
const CLI = join(CLIENT, "bin", "mp4t.js");
const TSC = createRequire(import.meta.url).resolve("typescript/bin/tsc");

type Run = { code: number | null; stdout: string; stderr: string };

/** Runs `mp4t` as a user would (its shebang's Node), with its own config file; resolves when it exits. */
function mp4t(args: string[], env: Record<string, string>, stdin = "", timeoutMs = 180_000, bin = CLI): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { env: { PATH: process.env.PATH!, HOME: process.env.HOME!, ...env }, stdio: ["pipe", "pipe", "pipe"], timeout: timeoutMs });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

/** The CLI against the whole system (npm start): login, transcribe a real MP4 to SRT, list, download, refusals. */
describe("mp4t CLI end to end", () => {
  let sys: RunningSystem;
  let dir: string;
  let env: Record<string, string>;
  const email = "cli-user@cli.test";
  const password = "cli-test-password-1";

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "mp4t-cli-"));
    sys = await startSystem();
    const reg = await api(sys.url, "/v1/auth/register", { method: "POST", body: JSON.stringify({ email, password }) });
    expect(reg.status, reg.text).toBe(201);
    env = { MP4T_URL: sys.url, MP4T_CONFIG: join(dir, "config", "mp4t", "config.json") };
  }, 120_000);

  afterAll(async () => {
    await sys?.stop();
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it("logs in, keeping the session in a file only its owner can read", async () => {
    const r = await mp4t(["login", "--email", email, "--password-stdin"], env, `${password}\n`);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`signed in to ${sys.url} as ${email}`);
    expect((await stat(env.MP4T_CONFIG!)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, "config", "mp4t"))).mode & 0o777).toBe(0o700);
    const stored = JSON.parse(await readFile(env.MP4T_CONFIG!, "utf8")) as { url: string; session: { token: string } };
    expect(stored.url).toBe(sys.url);
    expect(stored.session.token.length).toBeGreaterThan(20);
  });

  it("transcribes a real MP4 to an SRT file with upload and stage progress, then lists and downloads it", async () => {
    const media = await makeLibrivoxMp4(join(dir, "talk.mp4"), { clips: 2 });
    const out = join(dir, "talk.srt");
    const r = await mp4t(["transcribe", media.path, "--format", "srt", "-o", out, "--language", "en", "--no-diarize"], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Uploading talk\.mp4 100%/); // not a terminal: a line per quarter
    const id = /job ([0-9a-z]{26}) queued/.exec(r.stderr)?.[1];
    expect(id, r.stderr).toBeDefined();
    expect(r.stderr).toMatch(/transcribe done/);
    expect(r.stderr).toContain(`wrote ${out} (srt)`);
    const srt = await readFile(out, "utf8");
    const cues = srt.match(/^\d+\r?\n\d{2}:\d{2}:\d{2},\d{3} --> \d{2}:\d{2}:\d{2},\d{3}\r?\n\S/gm) ?? [];
    expect(cues.length, srt).toBeGreaterThan(0);

    const jobs = await mp4t(["jobs", "--json"], env);
    expect(jobs.code, jobs.stderr).toBe(0);
    expect((JSON.parse(jobs.stdout) as { items: { id: string; status: string }[] }).items).toContainEqual(expect.objectContaining({ id, status: "completed" }));
    const vtt = await mp4t(["download", id!, "--format", "vtt"], env);
    expect(vtt.code, vtt.stderr).toBe(0);
    expect(vtt.stdout).toMatch(/^WEBVTT/);
    expect(vtt.stdout).toMatch(/\d{2}:\d{2}\.\d{3} --> /);
  }, 240_000);

  it("uploads without waiting and prints the job id", async () => {
    const wav = await makeSilenceWav(join(dir, "quiet.wav"), 2, { channels: 1, sampleRate: 16_000 });
    const r = await mp4t(["transcribe", wav, "--no-wait", "--options", '{"language":"en","diarize":false}'], env);
    expect(r.code, r.stderr).toBe(0);
    const id = r.stdout.trim();
    expect(id).toMatch(/^[0-9a-z]{26}$/);
    const token = await apiLogin(sys.url, email, password);
    expect((await untilEnded(sys, token, id)).options).toMatchObject({ diarize: false });
  }, 120_000);

  it("names the API's error code and details and exits non-zero: unknown job, bad key, bad or unsupported options, no file, unreachable server", async () => {
    const missing = await mp4t(["download", "0".repeat(26)], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/NOT_FOUND \(HTTP 404\)/);
    const badKey = await mp4t(["jobs"], { ...env, MP4T_API_KEY: "mp4t_notakey" });
    expect(badKey.code).toBe(4);
    expect(badKey.stderr).toMatch(/UNAUTHORIZED \(HTTP 401\)/);
    const wav = await makeSilenceWav(join(dir, "opts.wav"), 1);
    const badOptions = await mp4t(["transcribe", wav, "--options", '{"speakers":"two"}'], env);
    expect(badOptions.code).toBe(1);
    expect(badOptions.stderr).toMatch(/VALIDATION_FAILED \(HTTP 400\)/);
    const unsupported = await mp4t(["transcribe", wav, "--language", "xx"], env);
    expect(unsupported.code).toBe(1);
    expect(unsupported.stderr).toMatch(/^mp4t: OPTION_UNSUPPORTED \(HTTP 400\): .*"option":"language","value":"xx"/m);
    const noFile = await mp4t(["transcribe", join(dir, "nope.mp4")], env);
    expect([noFile.code, noFile.stderr]).toEqual([2, `mp4t: cannot read ${join(dir, "nope.mp4")}: no such file\n`]);
    const down = await mp4t(["jobs", "--url", "http://127.0.0.1:9"], env);
    expect(down.code).toBe(5);
    expect(down.stderr).toContain("could not reach http://127.0.0.1:9");
  });

  it("installs from its packed tarball (pnpm pack compiles dist/, npm installs it) and runs from there: the CLI and the typed client", async () => {
    const inst = join(dir, "installed");
    const run = (cmd: string, args: string[], cwd: string) => execFileSync(cmd, args, { cwd, env: process.env, encoding: "utf8", timeout: 120_000 });
    run("pnpm", ["pack", "--pack-destination", dir], CLIENT);
    const tarball = join(dir, `mp4t-client-${(JSON.parse(await readFile(join(CLIENT, "package.json"), "utf8")) as { version: string }).version}.tgz`);
    run("npm", ["install", "--prefix", inst, "--no-audit", "--no-fund", "--loglevel=error", tarball], dir);
    const installed = join(inst, "node_modules", "@mp4t", "client");
    expect(existsSync(join(installed, "src")), "the package ships dist/, not the TypeScript source").toBe(false);
    // The installed command, inside node_modules where Node strips no types, with the session the first test stored.
    const jobs = await mp4t(["jobs", "--json"], env, "", 60_000, join(inst, "node_modules", ".bin", "mp4t"));
    expect(jobs.code, jobs.stderr).toBe(0);
    expect((JSON.parse(jobs.stdout) as { items: unknown[] }).items.length).toBeGreaterThan(0);
    // The typed client from the package: its declarations type-check a consumer, and it talks to the API.
    await writeFile(
      join(inst, "consumer.mts"),
      `import { createMp4tClient, type Job } from "@mp4t/client";\n` +
        `export async function firstStatus(baseUrl: string, token: string): Promise<Job["status"] | undefined> {\n` +
        `  const { data } = await createMp4tClient({ baseUrl, token }).GET("/v1/jobs", {});\n` +
        `  return data?.items[0]?.status;\n` +
        `}\n`,
    );
    await writeFile(
      join(inst, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: { module: "nodenext", strict: true, noEmit: true, skipLibCheck: false, lib: ["es2024", "dom"], types: [] },
        files: ["consumer.mts"],
      }),
    );
    run(process.execPath, [TSC, "-p", "tsconfig.json"], inst);
    const token = await apiLogin(sys.url, email, password);
    const script = `const { firstStatus } = await import("./consumer.mts"); console.log(await firstStatus(${JSON.stringify(sys.url)}, ${JSON.stringify(token)}));`;
    expect(run(process.execPath, ["--input-type=module", "-e", script], inst).trim()).toMatch(/^(queued|processing|completed|failed|canceled)$/);
  }, 240_000);
});
