import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PIPELINE, PIPELINE_STAGES, STAGES, STAGE_LANES, STAGE_SERVICES } from "@mp4t/contracts";
import { describe, expect, it } from "vitest";
import { createLogger, maskUrlCredentials } from "@mp4t/runtime";
import { deployNatsConfigs } from "./nats-permissions.config.ts";
import { NATS_USERS, natsPermissions, publishedStages } from "./nats-permissions.ts";
import { natsSecurityProblems } from "./nats-permissions.security.ts";

const ROOT = join(import.meta.dirname, "..", "..", "..");

describe("deploy/nats/*.conf", () => {
  it.each(Object.entries(deployNatsConfigs()))("%s is what the generator writes from the permission table now", (name, text) => {
    expect(readFileSync(join(ROOT, "deploy", "nats", name), "utf8"), "run: node scripts/nats-deploy-config.ts").toBe(text);
  });

  it("reads every user's password from the environment, requires TLS, and routes the cluster over mutual TLS", () => {
    const { "nats.conf": single, "nats-cluster.conf": cluster } = deployNatsConfigs();
    for (const conf of [single, cluster]) {
      for (const u of NATS_USERS) expect(conf).toContain(`password: $NATS_${u.toUpperCase()}_PASSWORD`);
      expect(conf).toMatch(/^tls \{\n {2}cert_file: "\/etc\/nats\/tls\/server.pem"/m);
    }
    expect(cluster).toMatch(/cluster \{[\s\S]*tls \{[\s\S]*verify: true/);
  });
});

describe("the permission table", () => {
  const pubs = (u: (typeof NATS_USERS)[number]) => natsPermissions(u)?.publish.allow ?? [];

  it("lets only the gateway near the users bucket", () => {
    for (const u of NATS_USERS.filter((x) => x !== "gateway" && x !== "admin")) {
      expect(
        [...pubs(u), ...natsPermissions(u)!.subscribe.allow].filter((s) => s.includes("mp4t-users") || s === "$JS.API.>"),
        u,
      ).toEqual([]);
    }
    expect(pubs("gateway")).toContain("$KV.>");
  });

  it("gives each user its own inbox and nobody else's", () => {
    for (const u of NATS_USERS.filter((x) => x !== "admin")) {
      const inboxes = natsPermissions(u)!.subscribe.allow.filter((s) => s.startsWith("_INBOX"));
      expect(inboxes, u).toEqual([`_INBOX_${u}.>`]);
    }
  });

  it("lets a worker publish only the work it hands on (the transcriber also its windowed next chunk), never another lane's", () => {
    const work = (u: (typeof NATS_USERS)[number]) => pubs(u).filter((s) => s.startsWith("mp4t.v1.work."));
    expect(work("transcriber")).toEqual(["mp4t.v1.work.high.transcribe.>", "mp4t.v1.work.high.diarize.>", "mp4t.v1.work.low.cleanup.>"]);
    expect(work("ingest")).toEqual(["mp4t.v1.work.high.transcribe.>", "mp4t.v1.work.low.cleanup.>"]);
    for (const stage of STAGES) {
      const owner = STAGE_SERVICES[stage];
      const durable = `$JS.API.CONSUMER.MSG.NEXT.MP4T_${STAGE_LANES[stage].toUpperCase()}.${owner}-${stage}-interactive-b0`;
      for (const u of NATS_USERS.filter((x) => x !== "admin" && x !== "gateway")) expect(pubs(u).includes(durable), `${u} pulls ${stage}`).toBe(u === owner);
    }
  });
});

describe("publish rights derived from the pipeline declaration", () => {
  const work = (stage: string) => `mp4t.v1.work.${STAGE_LANES[stage as keyof typeof STAGE_LANES]}.${stage}.>`;
  const pubs = (u: (typeof NATS_USERS)[number]) => natsPermissions(u)!.publish.allow;

  it("lets each stage's consumer publish its next stage, and cleanup after a step a job shows", () => {
    for (const stage of STAGES) {
      const owner = STAGE_SERVICES[stage];
      const { next, step } = PIPELINE[stage];
      if (next) expect(pubs(owner), `${owner} hands ${stage} on to ${next}`).toContain(work(next));
      if (step !== null) expect(pubs(owner), `${owner} cleans up after a failed ${stage}`).toContain(work("cleanup"));
    }
  });

  it("lets the janitor resume every stage the reaper knows and publish its own housekeeping", () => {
    expect(publishedStages("janitor")).toEqual(STAGES.filter((s) => (PIPELINE_STAGES as readonly string[]).includes(s) || STAGE_SERVICES[s] === "janitor"));
  });

  it("gives a stage added to the declaration its rights without another line in the table", () => {
    // A translate stage between diarize and enhance, consumed by a new replica of the enhancer.
    const declared = { ...PIPELINE, diarize: { ...PIPELINE.diarize, next: "translate" }, translate: { next: "enhance", step: "translate" } };
    const services = { ...STAGE_SERVICES, translate: "enhancer" };
    const derive = (u: "diarizer" | "enhancer") => publishedStages(u, declared as never, services as never);
    expect(derive("diarizer")).toEqual(["cleanup", "translate"]);
    expect(derive("enhancer")).toEqual(["enhance", "cleanup"]);
    expect(publishedStages("diarizer")).toEqual(["enhance", "cleanup"]);
  });
});

describe("dispatch signals", () => {
  it("let each worker hear the publishes of its own stages' work and no other's", () => {
    for (const u of NATS_USERS.filter((x) => x !== "admin" && x !== "gateway")) {
      const heard = natsPermissions(u)!.subscribe.allow.filter((s) => s.startsWith("mp4t.v1.work."));
      const own = STAGES.filter((s) => STAGE_SERVICES[s] === u).map((s) => `mp4t.v1.work.${STAGE_LANES[s]}.${s}.>`);
      expect(heard, u).toEqual(own);
      expect(heard.length, u).toBeGreaterThan(0);
    }
  });
});

describe("natsSecurityProblems", () => {
  const safe = { NATS_URL: "tls://nats:4222", NATS_USER: "transcriber", NATS_PASSWORD: "x".repeat(32), NATS_TLS_CA_FILE: "/etc/mp4t/tls/ca.pem" };

  it("accepts credentials with TLS", () => {
    expect(natsSecurityProblems(safe)).toEqual([]);
  });

  it.each([
    [{ NATS_PASSWORD: undefined }, "NATS_PASSWORD"],
    [{ NATS_PASSWORD: "short" }, "NATS_PASSWORD"],
    [{ NATS_URL: "nats://nats:4222", NATS_TLS_CA_FILE: undefined }, "NATS_TLS_CA_FILE"],
    [{ NATS_URL: "tls://u:p@nats:4222" }, "NATS_URL"],
    [{ NATS_USER: "admin" }, "NATS_USER"],
  ])("names the unsafe setting (%j)", (change, name) => {
    const problems = natsSecurityProblems({ ...safe, ...change });
    expect(problems).toHaveLength(1);
    expect(problems[0]!.startsWith(`${name}:`)).toBe(true);
  });
});

describe("maskUrlCredentials", () => {
  it("masks the password of every URL in a line and leaves the rest", () => {
    expect(maskUrlCredentials("nats://u:p4ss@h:4222")).toBe("nats://u:***@h:4222");
    expect(maskUrlCredentials("a tls://gateway:s3cr%40t@nats-1:4222,nats://x:y@nats-2 b")).toBe("a tls://gateway:***@nats-1:4222,nats://x:***@nats-2 b");
    expect(maskUrlCredentials("nats://127.0.0.1:14222 mail@example.com")).toBe("nats://127.0.0.1:14222 mail@example.com");
  });
});

describe("service logs", () => {
  it("carry no NATS password: not in URLs, fields, config objects or errors", () => {
    const lines: string[] = [];
    const logger = createLogger("test", { destination: { write: (l: string) => lines.push(l) > 0 } as unknown as NodeJS.WritableStream });
    logger.info({ nats: "nats://transcriber:hunter2hunter2@h:4222", config: { NATS_PASSWORD: "hunter2hunter2" } }, "connecting to tls://u:hunter2hunter2@h");
    logger.error({ err: new Error("refused nats://u:hunter2hunter2@h") }, "failed");
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).not.toContain("hunter2");
    expect(lines[0]).toContain("nats://transcriber:***@h:4222");
  });
});
