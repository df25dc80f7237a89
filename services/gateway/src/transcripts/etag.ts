import { AppError } from "@mp4t/contracts";

/**
 * ETags of transcript versions. A version never changes once written, so its number is a strong
 * validator; each format is its own representation, so formats other than JSON get a suffix.
 */
export const transcriptEtag = (version: number, format = "json") => (format === "json" ? `"v${version}"` : `"v${version}-${format}"`);

const ETAG = /^(?:W\/)?"v(\d{1,6})(?:-[a-z]{2,4})?"$/;

/**
 * Checks `If-Match` against the current version: `*` or any listed ETag of the current version
 * passes. Missing: 428 PRECONDITION_REQUIRED when required (RFC 6585), else passes. Stale:
 * 412 TRANSCRIPT_CHANGED. Malformed: 400.
 */
export function checkIfMatch(header: string | undefined, current: number, opts: { required: boolean }): void {
  if (header === undefined || header.trim() === "") {
    if (opts.required) throw new AppError("PRECONDITION_REQUIRED", `send If-Match: ${transcriptEtag(current)} (the ETag of the transcript you edited)`);
    return;
  }
  if (header.trim() === "*") return;
  const versions = header.split(",").map((t) => ETAG.exec(t.trim()));
  if (versions.some((m) => !m) || versions.length > 20) throw new AppError("VALIDATION_FAILED", 'If-Match holds transcript ETags such as "v3"');
  if (!versions.some((m) => Number(m![1]) === current)) {
    throw new AppError("TRANSCRIPT_CHANGED", `the transcript is at version ${current}; If-Match named ${header.trim()}`);
  }
}
