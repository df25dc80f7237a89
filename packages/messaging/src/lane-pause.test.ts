import { describe, expect, it } from "vitest";
import { LANE_PAUSE_KEY, pausedUntil } from "./lane-pause.ts";

describe("pausedUntil: a lane's pause as its stream's metadata remembers it", () => {
  const now = Date.parse("2026-12-03T02:00:00Z");
  it("gives a pause that has not ended, and nothing for an ended, unreadable or absent one", () => {
    expect(pausedUntil({ [LANE_PAUSE_KEY]: "2026-12-03T03:00:00.000Z" }, now)).toBe("2026-12-03T03:00:00.000Z");
    expect(pausedUntil({ [LANE_PAUSE_KEY]: "2026-12-03T01:00:00.000Z" }, now)).toBeUndefined();
    expect(pausedUntil({ [LANE_PAUSE_KEY]: "not a time" }, now)).toBeUndefined();
    expect(pausedUntil({ "_nats.level": "1" }, now)).toBeUndefined();
    expect(pausedUntil(undefined, now)).toBeUndefined();
  });
});
