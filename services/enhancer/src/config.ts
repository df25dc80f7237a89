import { baseEnv, providerEnv, workerEnv } from "@mp4t/runtime";
import { storesEnv } from "@mp4t/stores";
import { z } from "zod";

/** Who writes the enhancements: our own algorithms, or a chat model behind one of the providers. */
export const PROVIDER_NAMES = ["local", "openai", "huggingface"] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

export const configSchema = z
  .object({
    ...baseEnv,
    ...workerEnv,
    ...storesEnv,
    /** OPENAI_API_KEY, OPENAI_BASE_URL, HF_TOKEN: shared with the transcriber. */
    ...providerEnv,
    /** `local` (default) needs nothing and cannot translate; `openai` / `huggingface` call a chat model. */
    ENHANCE_PROVIDER: z.enum(PROVIDER_NAMES).default("local"),
    /** A chat server of its own for the enhancer, when transcription goes elsewhere; OPENAI_BASE_URL when unset. */
    ENHANCE_OPENAI_BASE_URL: z.url().optional(),
    ENHANCE_OPENAI_MODEL: z.string().min(1).default("gpt-4o-mini"),
    /** A TGI / Inference Endpoint / local chat server (`http://host:8080/v1`); the Hub's router when unset. */
    ENHANCE_HF_ENDPOINT_URL: z.url().optional(),
    ENHANCE_HF_MODEL: z.string().min(1).default("meta-llama/Llama-3.1-8B-Instruct"),
    /** Limit for one chat request; a stage makes several for a long transcript. */
    ENHANCE_TIMEOUT_SEC: z.coerce.number().positive().default(120),
    /**
     * Transcript characters per request (the instructions come on top); longer texts are split on
     * paragraph boundaries. 16000 is about 4000 English tokens; lower it for small-context models.
     */
    ENHANCE_MAX_INPUT_CHARS: z.coerce.number().int().min(500).default(16_000),
    /** Answer budget of a summary or notes request; cleaned and translated pieces get about twice their input. */
    ENHANCE_MAX_OUTPUT_TOKENS: z.coerce.number().int().min(64).default(1024),
    /** Sampling temperature sent to the model; the provider's default when unset (some models accept only theirs). */
    ENHANCE_TEMPERATURE: z.coerce.number().min(0).max(2).optional(),
  })
  .superRefine((c, ctx) => {
    if (c.ENHANCE_PROVIDER === "openai" && !c.OPENAI_API_KEY && !c.OPENAI_BASE_URL && !c.ENHANCE_OPENAI_BASE_URL) {
      ctx.addIssue({
        code: "custom",
        path: ["ENHANCE_PROVIDER"],
        message: "openai needs OPENAI_API_KEY (or ENHANCE_OPENAI_BASE_URL / OPENAI_BASE_URL for a compatible server)",
      });
    }
    if (c.ENHANCE_PROVIDER === "huggingface" && !c.HF_TOKEN && !c.ENHANCE_HF_ENDPOINT_URL) {
      ctx.addIssue({ code: "custom", path: ["ENHANCE_PROVIDER"], message: "huggingface needs HF_TOKEN (or ENHANCE_HF_ENDPOINT_URL for a local server)" });
    }
    // Partial summaries are combined at least two per request; two answers (at up to ~6
    // characters a token) must fit in one request, or the reduce step would outgrow the limit.
    if (c.ENHANCE_MAX_INPUT_CHARS < 12 * c.ENHANCE_MAX_OUTPUT_TOKENS) {
      ctx.addIssue({
        code: "custom",
        path: ["ENHANCE_MAX_INPUT_CHARS"],
        message: `must be at least 12 x ENHANCE_MAX_OUTPUT_TOKENS (${12 * c.ENHANCE_MAX_OUTPUT_TOKENS}) so two partial summaries fit in one request`,
      });
    }
  });
export type EnhancerConfig = z.infer<typeof configSchema>;
