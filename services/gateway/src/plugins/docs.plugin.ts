import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { jsonSchemaTransform } from "fastify-type-provider-zod";

/** The OpenAPI document, generated from the routes' zod schemas, at /openapi.json; Swagger UI at /docs. */
async function docsPlugin(app: FastifyInstance, opts: { version: string }) {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: "3.0.3",
      info: { title: "MP4toText API", description: "Video and audio to text: transcripts, subtitles, speakers, summaries.", version: opts.version },
      components: { securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" } } },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: "/docs" });
  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
}

export default fp(docsPlugin, { name: "mp4t-docs", fastify: "5.x" });
