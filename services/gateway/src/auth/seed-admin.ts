import { AppError, newId } from "@mp4t/contracts";
import type { Logger } from "@mp4t/runtime";
import type { JobStore } from "@mp4t/stores";
import { passwordHasher } from "./password.ts";

/**
 * Creates the admin account from ADMIN_EMAIL / ADMIN_PASSWORD unless the email is registered
 * already, its password hashed at `hashCost` (PASSWORD_HASH_COST, as every other account's).
 * Safe at every start of every replica: an existing account is left as it is.
 */
export async function seedAdmin(jobs: JobStore, creds: { email: string; password: string }, logger: Logger, hashCost: number): Promise<"created" | "exists"> {
  const email = creds.email.trim().toLowerCase();
  const existing = await jobs.getUserByEmail(email);
  if (existing) {
    if (existing.role !== "admin") logger.warn({ email }, "ADMIN_EMAIL belongs to a non-admin account; leaving it unchanged");
    return "exists";
  }
  try {
    await jobs.createUser({
      id: newId(),
      email,
      passwordHash: await passwordHasher(hashCost).hash(creds.password),
      role: "admin",
      createdAt: new Date().toISOString(),
    });
    logger.info({ email }, "admin account created");
    return "created";
  } catch (err) {
    if (err instanceof AppError && err.code === "EMAIL_TAKEN") return "exists"; // another replica won the race
    throw err;
  }
}
