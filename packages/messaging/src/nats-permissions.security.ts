/**
 * What production refuses about a service's NATS settings. Every service's boot runs it when the
 * profile is production; `npm run doctor` lists it for any profile.
 */
export type NatsSecurityConfig = {
  NATS_URL: string;
  NATS_USER?: string | undefined;
  NATS_PASSWORD?: string | undefined;
  NATS_TLS_CA_FILE?: string | undefined;
};

/** Shorter generated or chosen passwords are guessable by a patient local process. */
export const MIN_NATS_PASSWORD_LENGTH = 16;

/** Unsafe NATS settings, each message naming its variable; empty when none. */
export function natsSecurityProblems(c: NatsSecurityConfig): string[] {
  const problems: string[] = [];
  const urls = c.NATS_URL.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (urls.some((u) => /^[a-z]+:\/\/[^/@]*@/i.test(u))) {
    problems.push("NATS_URL: carries credentials (user:password@); set NATS_USER and NATS_PASSWORD instead, so they stay out of URLs and logs");
  }
  if (!c.NATS_PASSWORD) {
    problems.push("NATS_PASSWORD: not set; production NATS needs credentials (one user per service, see deploy/nats/nats.conf)");
  } else if (c.NATS_PASSWORD.length < MIN_NATS_PASSWORD_LENGTH) {
    problems.push(`NATS_PASSWORD: shorter than ${MIN_NATS_PASSWORD_LENGTH} characters`);
  }
  if (c.NATS_USER === "admin") {
    problems.push("NATS_USER: admin is for operators' tools; a service connects as its own user (its name)");
  }
  const allTls = urls.every((u) => u.startsWith("tls://"));
  if (!c.NATS_TLS_CA_FILE && !allTls) {
    problems.push(
      "NATS_TLS_CA_FILE: not set and NATS_URL is not tls://; production NATS needs TLS (set NATS_TLS_CA_FILE to the CA of the server's certificate)",
    );
  }
  return problems;
}

/** The production profile: MP4T_PROFILE, else NODE_ENV (as profiles.ts selects it). */
export const isProductionProfile = (c: { MP4T_PROFILE?: string | undefined; NODE_ENV?: string | undefined }) => (c.MP4T_PROFILE ?? c.NODE_ENV) === "production";
