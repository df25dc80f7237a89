/**
 * The gateway's abuse limits as an operator sets them for a load test: every virtual user comes
 * from this one machine, so the per-address limits are raised; per-account and per-user ones
 * keep their defaults unless a scenario needs more. /metrics is scraped with a token. Development
 * profile only: production refuses PASSWORD_HASH_COST below 17.
 */
export const METRICS_TOKEN = "load-test-metrics-token-Zq3u0v9XH1rN8kq2m4yJ7cT5w";
export const LOAD_TEST_LIMITS: Record<string, string> = {
  RATE_LIMIT_PER_MIN: "1000000",
  RATE_LIMIT_AUTH_PER_IP: "1000000",
  MAX_ACTIVE_JOBS_PER_USER: "10000",
  MAX_STREAMS_PER_USER: "1000",
  METRICS_TOKEN,
  // The load tests measure the pipeline, not the password hash: at the default cost (2^17, about
  // half a second and 128 MiB each) 1000 registrations and logins alone take minutes.
  PASSWORD_HASH_COST: "14",
};
