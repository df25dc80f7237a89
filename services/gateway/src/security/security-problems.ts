import { passwordProblem } from "../auth/password-policy.ts";
import { weakSecretProblem } from "./secret-strength.ts";

/** The settings the checks read; a parsed GatewayConfig has them all. */
export type SecuritySettings = {
  NODE_ENV: string;
  MP4T_PROFILE?: string | undefined;
  JWT_SECRET: string;
  ADMIN_PASSWORD?: string | undefined;
  REGISTRATION?: "open" | "invite" | "closed" | undefined;
  REGISTRATION_OPEN_CONFIRMED: boolean;
  METRICS_TOKEN?: string | undefined;
  CORS_ORIGINS: string[];
  PASSWORD_HASH_COST?: number;
};

export const isProduction = (c: Pick<SecuritySettings, "NODE_ENV" | "MP4T_PROFILE">) => c.NODE_ENV === "production" || c.MP4T_PROFILE === "production";

/** The registration mode in force: the setting, else open in development and invite in production. */
export const registrationMode = (c: Pick<SecuritySettings, "REGISTRATION" | "NODE_ENV" | "MP4T_PROFILE">) =>
  c.REGISTRATION ?? (isProduction(c) ? "invite" : "open");

/** Admin passwords that templates and tutorials ship; refused in production even when long enough. */
const DEFAULT_ADMIN_PASSWORDS = new Set(["admin-password", "adminpassword", "administrator", "changemechangeme", "admin123456789", "passwordpassword"]);

/**
 * Each unsafe gateway setting, as "SETTING: why". Production refuses to start while any is
 * listed (exit 78); `npm run doctor` prints them for any profile.
 */
export function gatewaySecurityProblems(c: SecuritySettings): string[] {
  const out: string[] = [];
  const secret = weakSecretProblem(c.JWT_SECRET);
  if (secret) out.push(`JWT_SECRET: ${secret}`);
  if (c.ADMIN_PASSWORD !== undefined) {
    const weak = passwordProblem(c.ADMIN_PASSWORD);
    const lower = c.ADMIN_PASSWORD.toLowerCase();
    if (DEFAULT_ADMIN_PASSWORDS.has(lower) || /^(admin|password|changeme)[\W_]*\d*$/.test(lower)) out.push("ADMIN_PASSWORD: is a default password");
    else if (weak) out.push(`ADMIN_PASSWORD: ${weak.replace(/^the password /, "")}`);
  }
  if (registrationMode(c) === "open" && isProduction(c) && !c.REGISTRATION_OPEN_CONFIRMED) {
    out.push("REGISTRATION: is open (anyone can create an account); set REGISTRATION=invite or closed, or REGISTRATION_OPEN_CONFIRMED=true if that is meant");
  }
  if (c.METRICS_TOKEN !== undefined && weakSecretProblem(c.METRICS_TOKEN)) out.push(`METRICS_TOKEN: ${weakSecretProblem(c.METRICS_TOKEN)}`);
  if ((c.PASSWORD_HASH_COST ?? 17) < 17) out.push("PASSWORD_HASH_COST: is below 17 (scrypt N=2^17, OWASP's current advice)");
  if (c.CORS_ORIGINS.some((o) => o === "*" || o === "null")) out.push("CORS_ORIGINS: allows any origin; list the origins instead");
  return out;
}
