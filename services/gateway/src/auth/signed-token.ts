import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Small HMAC-signed tokens that are not JWTs, so no JWT verifier can ever mistake one for an
 * access token: `<kind>.<base64url JSON>.<base64url HMAC-SHA256>`. Each kind signs with its own
 * key derived from JWT_SECRET.
 */
export type TokenKind = "rt1" | "inv1" | "st1" | "med1";

export function tokenSigner(secret: string, kind: TokenKind) {
  const key = createHmac("sha256", secret).update(`mp4t ${kind} key`).digest();
  const mac = (body: string) => createHmac("sha256", key).update(`${kind}.${body}`).digest();
  return {
    sign(payload: Record<string, unknown>): string {
      const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
      return `${kind}.${body}.${mac(body).toString("base64url")}`;
    },
    /** The payload, or null for anything not signed by this signer (never throws). */
    verify(token: string): Record<string, unknown> | null {
      const parts = token.split(".");
      if (parts.length !== 3 || parts[0] !== kind || token.length > 2048) return null;
      const given = Buffer.from(parts[2]!, "base64url");
      const want = mac(parts[1]!);
      if (given.length !== want.length || !timingSafeEqual(given, want)) return null;
      try {
        const v: unknown = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8"));
        return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
      } catch {
        return null;
      }
    },
  };
}
