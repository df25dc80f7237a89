import { JobOptions } from "@mp4t/contracts";
import { AppError } from "@mp4t/contracts";

/**
 * The upload's `options` field: JSON text (or already parsed, when the part was sent as
 * application/json), checked against the contract. Missing or blank means all defaults.
 */
export function parseJobOptions(raw: unknown): JobOptions {
  let value = raw;
  if (raw === undefined || (typeof raw === "string" && raw.trim() === "")) value = {};
  else if (typeof raw === "string") {
    try {
      value = JSON.parse(raw);
    } catch (err) {
      throw new AppError("INVALID_JSON", `the options field is not valid JSON: ${(err as Error).message}`);
    }
  }
  const parsed = JobOptions.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${["options", ...i.path].join(".")}: ${i.message}`);
    throw new AppError("VALIDATION_FAILED", issues.join("; "));
  }
  return parsed.data;
}

/** A client's file name, reduced to its last path segment and the length the job record allows. */
export function cleanFileName(name: string | undefined): string {
  const base = (name ?? "")
    .split(/[\\/]/)
    .pop()!
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
    .replace(/[\u0000-\u001f\u007f]/g, "")
    .trim();
  return base.slice(0, 512) || "upload";
}
