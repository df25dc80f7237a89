import { enhance } from "../enhancements/enhance.ts";
import type { EnhancementProvider } from "../ports.ts";

/** Our own algorithms: offline and instant; translation needs a model, so it comes back unsupported. */
export function createLocalProvider(): EnhancementProvider {
  return {
    name: "local",
    enhance: async ({ paragraphs, speakers, options }) => enhance(paragraphs, speakers, options),
  };
}
