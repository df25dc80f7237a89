import { describe, expect, it } from "vitest";
import { reaperIntervalSec } from "./config.ts";

describe("the reaper's interval", () => {
  it("is REAPER_INTERVAL_SEC when set, else a twelfth of REAPER_STALE_SEC between 10 s and 300 s", () => {
    expect(reaperIntervalSec({ REAPER_INTERVAL_SEC: 1, REAPER_STALE_SEC: 3600 })).toBe(1);
    expect(reaperIntervalSec({ REAPER_INTERVAL_SEC: undefined, REAPER_STALE_SEC: 3600 })).toBe(300);
    expect(reaperIntervalSec({ REAPER_INTERVAL_SEC: undefined, REAPER_STALE_SEC: 600 })).toBe(50);
    expect(reaperIntervalSec({ REAPER_INTERVAL_SEC: undefined, REAPER_STALE_SEC: 60 })).toBe(10);
    expect(reaperIntervalSec({ REAPER_INTERVAL_SEC: undefined, REAPER_STALE_SEC: 86_400 })).toBe(300);
  });
});
