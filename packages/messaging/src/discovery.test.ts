import type { ServiceInfo, ServiceStats } from "@nats-io/services";
import { describe, expect, it } from "vitest";
import { toInstanceViews } from "./discovery.ts";

const info = (name: string, id: string, metadata: Record<string, string>): ServiceInfo =>
  ({ type: "io.nats.micro.v1.info_response", name, id, version: "1.2.3", description: "", metadata, endpoints: [] }) as ServiceInfo;
const stats = (name: string, id: string, data: unknown): ServiceStats =>
  ({
    type: "io.nats.micro.v1.stats_response",
    name,
    id,
    version: "1.2.3",
    started: "2025-01-01T00:00:00.000Z",
    endpoints: [{ name: "status", subject: "s", num_requests: 0, num_errors: 0, processing_time: 0, average_processing_time: 0, queue_group: "q", data }],
  }) as unknown as ServiceStats;

describe("toInstanceViews", () => {
  it("joins info and stats by id, keeps only mp4t services and sorts by name then id", () => {
    const views = toInstanceViews(
      [
        info("mp4t-janitor", "b", { service: "janitor", lanes: "low", host: "h1", pid: "42" }),
        info("other-service", "x", {}),
        info("mp4t-gateway", "a", { service: "gateway", lanes: "", host: "h2", pid: "7" }),
      ],
      [stats("mp4t-janitor", "b", { processed: 1 })],
    );
    expect(views).toEqual([
      { name: "gateway", id: "a", lane: null, lanes: [], host: "h2", pid: 7, version: "1.2.3", started: null, stats: null },
      {
        name: "janitor",
        id: "b",
        lane: "low",
        lanes: ["low"],
        host: "h1",
        pid: 42,
        version: "1.2.3",
        started: "2025-01-01T00:00:00.000Z",
        stats: { processed: 1 },
      },
    ]);
  });

  it("falls back to the discovery name when metadata is missing", () => {
    expect(toInstanceViews([info("mp4t-ingest", "c", {})], [])[0]).toMatchObject({ name: "ingest", host: null, pid: null });
  });
});
