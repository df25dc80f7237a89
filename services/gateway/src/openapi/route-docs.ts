import type { FastifySchema } from "fastify";
import { jsonSchemaTransform } from "fastify-type-provider-zod";
import type { z } from "zod";

declare module "fastify" {
  interface FastifySchema {
    /**
     * Documentation only: the fields of a multipart/form-data body that the handler reads itself
     * (Fastify does not validate it). A file field is `z.string().meta({ format: "binary" })`.
     */
    multipart?: z.ZodObject;
  }
}

type TransformInput = Parameters<typeof jsonSchemaTransform>[0];
type Schema = FastifySchema & Record<string, unknown>;
/** A response documented per content type: `{ content: { "text/vtt": { schema: z.string() } } }`. */
type ContentResponse = { description?: string; content: Record<string, { schema: z.ZodType }> };

const isContentResponse = (r: unknown): r is ContentResponse =>
  typeof r === "object" && r !== null && "content" in r && typeof (r as ContentResponse).content === "object";

/** One zod schema as the OpenAPI JSON of a response, through the same transform as the routes. */
function responseJson(input: TransformInput, status: string, schema: z.ZodType) {
  const out = jsonSchemaTransform({ ...input, schema: { response: { [status]: schema } } } as TransformInput);
  return (out.schema as { response: Record<string, unknown> }).response[status];
}

/**
 * fastify-type-provider-zod's transform, plus what it cannot express: multipart bodies
 * (`schema.multipart`) and responses with several content types (`{ content: {...} }`).
 */
export function routeDocsTransform(input: TransformInput): ReturnType<typeof jsonSchemaTransform> {
  const schema = input.schema as Schema | undefined;
  if (!schema) return jsonSchemaTransform(input);
  const { multipart, response, ...rest } = schema;
  const zodResponses: Record<string, unknown> = {};
  const contentResponses: Record<string, ContentResponse> = {};
  for (const [status, r] of Object.entries((response ?? {}) as Record<string, unknown>)) {
    if (isContentResponse(r)) contentResponses[status] = r;
    else zodResponses[status] = r;
  }
  const out = jsonSchemaTransform({ ...input, schema: { ...rest, ...(response ? { response: zodResponses } : {}) } });
  const transformed = out.schema as Schema;
  if (transformed.hide) return out;
  if (multipart) {
    const body = jsonSchemaTransform({ ...input, schema: { body: multipart } } as TransformInput).schema as Schema;
    transformed.body = body.body;
    transformed.consumes = ["multipart/form-data"];
  }
  for (const [status, r] of Object.entries(contentResponses)) {
    const content = Object.fromEntries(Object.entries(r.content).map(([type, media]) => [type, { schema: responseJson(input, status, media.schema) }]));
    (transformed.response as Record<string, unknown>)[status] = { description: r.description ?? "", content };
  }
  return out;
}
