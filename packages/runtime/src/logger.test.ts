import { Writable } from "node:stream";
import { stripVTControlCharacters } from "node:util";
import { describe, expect, it } from "vitest";
import { createLogger } from "./logger.ts";

/** A destination that keeps what is written, and says whether it is a terminal. */
const sink = (isTTY: boolean) => {
  const lines: string[] = [];
  const stream = Object.assign(
    new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    }),
    { isTTY },
  );
  return { stream, lines };
};

describe("createLogger", () => {
  it("writes short readable lines to a terminal and JSON lines elsewhere", () => {
    const tty = sink(true);
    createLogger("janitor", { destination: tty.stream }).info({ port: 9464 }, "metrics on /metrics");
    expect(tty.lines).toHaveLength(1);
    expect(stripVTControlCharacters(tty.lines[0]!)).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: \[janitor\] metrics on \/metrics port=9464\n$/);
    expect(tty.lines[0]).not.toContain('"pid"');

    const pipe = sink(false);
    createLogger("janitor", { destination: pipe.stream }).info({ port: 9464 }, "metrics on /metrics");
    expect(JSON.parse(pipe.lines[0]!)).toMatchObject({ level: 30, service: "janitor", msg: "metrics on /metrics", port: 9464 });
  });

  it("keeps pretty lines short, and shows an error's stack", () => {
    const tty = sink(false);
    const logger = createLogger("ingest", { destination: tty.stream, pretty: true });
    logger.info(
      {
        profile: "development",
        lanes: [{ lane: "critical", replicas: 1, concurrency: 2, autoscale: { min: 2, max: 2 }, prefetch: 4 }],
        a: "x".repeat(60),
        b: "y".repeat(60),
      },
      "worker profile",
    );
    const line = tty.lines[0]!;
    expect(line).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: \[ingest\] worker profile profile=development lanes=\[\{"lane":"critical".*…/);
    expect(line.length).toBeLessThan(160);
    logger.error({ err: new Error("boom") }, "failed to start");
    expect(tty.lines[1]).toMatch(/\[ingest\] failed to start\nError: boom\n\s+at /);
  });

  it("follows LOG_PRETTY over the terminal check, without colour codes off a terminal", () => {
    const pipe = sink(false);
    createLogger("gateway", { destination: pipe.stream, pretty: true }).warn("slow");
    expect(pipe.lines[0]).toMatch(/^\[\d\d:\d\d:\d\d\] WARN: \[gateway\] slow\n$/);
    const tty = sink(true);
    createLogger("gateway", { destination: tty.stream, pretty: false }).warn("slow");
    expect(JSON.parse(tty.lines[0]!)).toMatchObject({ level: 40, msg: "slow" });
  });
});
