/**
 * The gateway's abuse limits as an operator sets them for a load test: every virtual user comes
 * from 127.0.0.1, so the per-address limits are raised far above a run's 1000 accounts; per-user
 * caps are set above the most one load account ever has at once, so a cap that is hit is a
 * finding, not the test's own doing. /metrics is scraped with a token. Passwords follow the rules
 * (12+ characters, not a common one) and uploads the normal size limit. Development profile only:
 * production refuses PASSWORD_HASH_COST below 17.
 */
export const METRICS_TOKEN = "load-test-metrics-token-Zq3u0v9XH1rN8kq2m4yJ7cT5w";
export const LOAD_TEST_ENV: Record<string, string> = {
  RATE_LIMIT_PER_MIN: "1000000",
  RATE_LIMIT_AUTH_PER_IP: "1000000",
  MAX_ACTIVE_JOBS_PER_USER: "10000",
  MAX_STREAMS_PER_USER: "1000",
  METRICS_TOKEN,
  // The load tests measure the pipeline, not the password hash: at the default cost (2^17, about
  // half a second and 128 MiB each) 1000 registrations and logins alone take minutes.
  PASSWORD_HASH_COST: "14",
};

/** Every load account's password: 12+ characters, on no common-password list. */
export const LOAD_TEST_PASSWORD = "load-test: amber kettle orbits 7 quiet ferns";

/** Load accounts are `<prefix>-<run>-<i>@load.test`. */
export const LOAD_EMAIL_DOMAIN = "load.test";
