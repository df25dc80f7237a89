/**
 * ─── LOAD-TEST OPERATOR SETTINGS: the one place the load tests and benches set the gateway's
 * abuse limits ───────────────────────────────────────────────────────────────────────────────────
 * An operator running a load test raises what would throttle it, as they would on a real
 * deployment: every virtual user comes from 127.0.0.1, so per-address login and registration
 * limits are set far above a run's 1000 accounts; per-user caps are set above the most one load
 * account ever has at once (bench `load`: 5 jobs; legacy-load: 1), so a cap that is hit is a
 * finding, not the test's own doing. Nothing else is relaxed: passwords follow the rules (12+
 * characters, not a common one) and uploads the normal size limit.
 *
 * The names follow the gateway's security settings (issue 18: login rate limits, per-user caps on
 * active jobs and event streams). Until the gateway reads a name it is ignored (its zod schema
 * drops unknown variables); the integrator aligns these names with the gateway's config.ts.
 */
export const LOAD_TEST_ENV = {
  /** Login attempts per client address per window. */
  RATE_LIMIT_LOGIN_MAX: "100000",
  RATE_LIMIT_LOGIN_WINDOW_SEC: "60",
  /** Registrations per client address per window. */
  RATE_LIMIT_REGISTER_MAX: "100000",
  RATE_LIMIT_REGISTER_WINDOW_SEC: "60",
  /** Jobs queued or processing per user at once. */
  MAX_ACTIVE_JOBS_PER_USER: "20",
  /** Open event streams (SSE) per user at once. */
  MAX_STREAMS_PER_USER: "20",
} as const satisfies Record<string, string>;

/** Every load account's password: 12+ characters, on no common-password list. */
export const LOAD_TEST_PASSWORD = "load-test: amber kettle orbits 7 quiet ferns";

/** Load accounts are `<prefix>-<run>-<i>@load.test`. */
export const LOAD_EMAIL_DOMAIN = "load.test";
