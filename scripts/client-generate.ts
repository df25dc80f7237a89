// Regenerates packages/client/src/api.gen.ts (the client's types) from the gateway's OpenAPI document.
// `node scripts/client-generate.ts` writes it; `--check` exits 1 when the committed file differs.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { openApiDocument } from "@mp4t/gateway";
import openapiTS, { astToString } from "openapi-typescript";

export const GENERATED_TYPES = join(import.meta.dirname, "..", "packages", "client", "src", "api.gen.ts");

const HEADER = "// Generated from the gateway's OpenAPI document by `npm run client:generate` (openapi-typescript). Do not edit.\n\n";

/** The client's types, as openapi-typescript writes them for the document the gateway serves now. */
export async function generateClientTypes(): Promise<string> {
  const doc = await openApiDocument();
  const ast = await openapiTS(doc as unknown as Parameters<typeof openapiTS>[0], { silent: true, alphabetize: true });
  return HEADER + astToString(ast);
}

if (import.meta.main) {
  const fresh = await generateClientTypes();
  if (process.argv.includes("--check")) {
    const committed = await readFile(GENERATED_TYPES, "utf8").catch(() => "");
    if (committed !== fresh) {
      console.error(`${GENERATED_TYPES} is stale: run npm run client:generate`);
      process.exit(1);
    }
  } else {
    await writeFile(GENERATED_TYPES, fresh);
    console.log(`wrote ${GENERATED_TYPES}`);
  }
}
