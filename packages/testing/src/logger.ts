import { createLogger, type Logger } from "@mp4t/runtime";

/** A logger for tests: quiet unless TEST_LOG_LEVEL asks otherwise. */
export const silentLogger = (name = "test"): Logger => createLogger(name, { level: process.env.TEST_LOG_LEVEL ?? "silent" });
