import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { createJsonSchemaTransformObject } from "fastify-type-provider-zod";
import { finishDocument, SECURITY_SCHEMES } from "../openapi/finish-document.ts";
import { routeDocsTransform } from "../openapi/route-docs.ts";

// Named schemas (zod `.meta({ id })`) in OpenAPI 3.0's dialect, as the routes' own schemas are.
const namedSchemas = createJsonSchemaTransformObject({ zodToJsonConfig: { target: "openapi-3.0" } });

export type DocsOptions = { version: string /** Paths the rate limit skips (they document no 429). */; unlimitedPaths: ReadonlySet<string> };

/**
 * The OpenAPI document, generated from the routes' zod schemas, at /openapi.json; Swagger UI at
 * /docs. Register it before any route it should list: it sees only routes added after it.
 */
async function docsPlugin(app: FastifyInstance, opts: DocsOptions) {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: "3.0.3",
      info: { title: "MP4toText API", version: opts.version },
      components: { securitySchemes: { ...SECURITY_SCHEMES } },
    },
    transform: routeDocsTransform,
    transformObject: (input) => finishDocument(namedSchemas(input) as Parameters<typeof finishDocument>[0], opts) as ReturnType<typeof namedSchemas>,
  });
  await app.register(fastifySwaggerUi, { routePrefix: "/docs", uiConfig: { persistAuthorization: false, tryItOutEnabled: false } });
  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
}

export default fp(docsPlugin, { name: "mp4t-docs", fastify: "5.x" });
