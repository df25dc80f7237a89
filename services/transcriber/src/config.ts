import { baseEnv, mediaEnv, providerEnv, workerEnv } from "@mp4t/runtime";
import { storesEnv } from "@mp4t/stores";
import { z } from "zod";
import { ENGINE_NAMES } from "./engine.registry.ts";

const optionalPath = z.string().min(1).optional();

export const configSchema = z
  .object({
    ...baseEnv,
    ...workerEnv,
    ...storesEnv,
    ...providerEnv,
    ...mediaEnv,
    /** Engine used when a job does not name one; it must be configured (see below). */
    TRANSCRIBE_ENGINE: z.enum(ENGINE_NAMES).default("pocketsphinx"),
    POCKETSPHINX_BIN: z.string().min(1).default("pocketsphinx_continuous"),
    /**
     * Where PocketSphinx models are installed, one directory per language tag (Debian's
     * pocketsphinx-en-us: `en-us/`); the languages found there are the engine's languages.
     */
    POCKETSPHINX_MODEL_DIR: z.string().min(1).default("/usr/share/pocketsphinx/model"),
    /** An acoustic model directory of your own, with POCKETSPHINX_LM and _DICT: then the only model, for POCKETSPHINX_LANGUAGE. */
    POCKETSPHINX_HMM: optionalPath,
    /** Language model file; the package default when unset. */
    POCKETSPHINX_LM: optionalPath,
    /** Pronunciation dictionary; the package default when unset. */
    POCKETSPHINX_DICT: optionalPath,
    /** The language of the POCKETSPHINX_HMM model. */
    POCKETSPHINX_LANGUAGE: z
      .string()
      .regex(/^[a-z]{2,3}(-[a-z0-9]{2,8})*$/i)
      .default("en-us"),
    /** The `openai` engine exists when OPENAI_API_KEY or OPENAI_BASE_URL is set (providerEnv). */
    /** whisper-1 (word times), gpt-4o-transcribe, gpt-4o-mini-transcribe, gpt-4o-transcribe-diarize (speakers). */
    OPENAI_MODEL: z.string().min(1).default("whisper-1"),
    /** Languages to advertise for OPENAI_MODEL, comma separated; Whisper's list for OpenAI's models, `*` for others, when unset. */
    OPENAI_LANGUAGES: z
      .string()
      .optional()
      .transform((s) =>
        s
          ?.split(",")
          .map((l) => l.trim().toLowerCase())
          .filter(Boolean),
      ),
    OPENAI_TIMEOUT_SEC: z.coerce.number().positive().default(120),
    /** The `huggingface` engine exists when HF_TOKEN or HF_ENDPOINT_URL is set. */
    /** An Inference Endpoint or local server URL; the Hub's hf-inference provider when unset. */
    HF_ENDPOINT_URL: z.url().optional(),
    HF_MODEL: z.string().min(1).default("openai/whisper-large-v3"),
    /** Languages the HF model transcribes, comma separated primary subtags; `*` for any. */
    HF_LANGUAGES: z
      .string()
      .default("*")
      .transform((s) =>
        s
          .split(",")
          .map((l) => l.trim().toLowerCase())
          .filter(Boolean),
      ),
    HF_TIMEOUT_SEC: z.coerce.number().positive().default(120),
    /** Per-request upload limit of the providers (OpenAI: 25 MB). */
    PROVIDER_MAX_UPLOAD_MB: z.coerce.number().positive().default(25),
  })
  .superRefine((c, ctx) => {
    if (c.TRANSCRIBE_ENGINE === "openai" && !c.OPENAI_API_KEY && !c.OPENAI_BASE_URL) {
      ctx.addIssue({ code: "custom", path: ["TRANSCRIBE_ENGINE"], message: "openai needs OPENAI_API_KEY (or OPENAI_BASE_URL for a compatible server)" });
    }
    if (c.TRANSCRIBE_ENGINE === "huggingface" && !c.HF_TOKEN && !c.HF_ENDPOINT_URL) {
      ctx.addIssue({ code: "custom", path: ["TRANSCRIBE_ENGINE"], message: "huggingface needs HF_TOKEN (or HF_ENDPOINT_URL for a local server)" });
    }
  });
export type TranscriberConfig = z.infer<typeof configSchema>;
