import fastifyJwt from "@fastify/jwt";
import { AppError } from "@mp4t/platform";
import type { User } from "@mp4t/contracts";
import type { FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";

type Claims = { sub: string; email: string; role: User["role"] };

declare module "@fastify/jwt" {
  interface FastifyJWT {
    payload: Claims;
    user: Claims;
  }
}

declare module "fastify" {
  interface FastifyInstance {
    /** onRequest hook: a valid bearer token, or 401 UNAUTHORIZED. Sets `request.user`. */
    authenticate(req: FastifyRequest): Promise<void>;
    /** onRequest hook after `authenticate`: an admin, or 403 FORBIDDEN. */
    requireAdmin(req: FastifyRequest): Promise<void>;
    issueToken(user: Pick<User, "id" | "email" | "role">): Promise<{ token: string; expiresAt: string }>;
  }
}

export type AuthPluginOptions = { secret: string; ttlSec: number };

/** Bearer tokens (HS256 JWT) and the guards routes put in front of themselves. */
async function authPlugin(app: FastifyInstance, opts: AuthPluginOptions) {
  if (!opts.secret) throw new Error("auth plugin: a JWT secret is required");
  if (!(opts.ttlSec > 0)) throw new Error("auth plugin: ttlSec must be positive");
  await app.register(fastifyJwt, { secret: opts.secret, sign: { algorithm: "HS256", expiresIn: `${opts.ttlSec}s` }, verify: { algorithms: ["HS256"] } });

  app.decorate("authenticate", async (req: FastifyRequest) => {
    try {
      await req.jwtVerify();
    } catch (err) {
      throw new AppError("UNAUTHORIZED", "a valid bearer token is required", { cause: err });
    }
  });

  app.decorate("requireAdmin", async (req: FastifyRequest) => {
    if (req.user?.role !== "admin") throw new AppError("FORBIDDEN", "admins only");
  });

  app.decorate("issueToken", async (user: Pick<User, "id" | "email" | "role">) => {
    const token = app.jwt.sign({ sub: user.id, email: user.email, role: user.role });
    const { exp } = app.jwt.decode<{ exp: number }>(token) ?? { exp: 0 };
    return { token, expiresAt: new Date(exp * 1000).toISOString() };
  });
}

export default fp(authPlugin, { name: "mp4t-auth", fastify: "5.x" });
