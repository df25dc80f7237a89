import { randomBytes } from "node:crypto";
import { createLogger } from "@mp4t/runtime";
import { buildApp, type GatewayDeps } from "../app.ts";
import { configSchema } from "../config.ts";

/** A dependency the document never calls: building the routes must not touch NATS or a store. */
const unused = (name: string) =>
  new Proxy(
    {},
    {
      get: (_t, prop) =>
        prop === "then"
          ? undefined
          : () => {
              throw new Error(`the OpenAPI document must not use ${name}.${String(prop)}`);
            },
    },
  );

/**
 * The gateway's OpenAPI document, as /openapi.json serves it, built without a network
 * (for the lint test, the client generator and its drift test).
 */
export async function openApiDocument(): Promise<Record<string, unknown>> {
  const config = configSchema.parse({ NATS_URL: "nats://127.0.0.1:4222", LOG_LEVEL: "silent", JWT_SECRET: randomBytes(48).toString("base64") });
  const deps = {
    jobs: unused("jobs"),
    blobs: unused("blobs"),
    publisher: unused("publisher"),
    lifecycle: unused("lifecycle"),
    messaging: new Proxy({}, { get: (_t, port) => unused(`messaging.${String(port)}`) }),
    search: unused("search"),
    apiKeys: unused("apiKeys"),
    webhooks: unused("webhooks"),
    config,
    logger: createLogger("gateway", { level: "silent" }),
  } as unknown as GatewayDeps;
  const app = buildApp(deps);
  try {
    await app.ready();
    return app.swagger() as unknown as Record<string, unknown>;
  } finally {
    await app.close();
  }
}
