import { connect, createServer, type Socket } from "node:net";

export type SilentPeer = {
  port: number;
  /** From now on no byte reaches the client: open and new connections stay open, unanswered. */
  silence(): void;
  /** Resolves once every client connection has closed (the client let go of its sockets). */
  drained(): Promise<void>;
  /** Drops every connection and stops listening. */
  close(): Promise<void>;
};

/**
 * A hostile network peer, not a fake server: it accepts TCP connections and, once silenced (or
 * from the start when given no target), never writes a byte, as a hung server or a broken load
 * balancer does. Until then it forwards each connection to the real server at `targetPort`, so a
 * client can start up normally first. It keeps reading (and dropping) what the client sends, so
 * it sees the client close its sockets.
 */
export async function startSilentPeer(targetPort?: number): Promise<SilentPeer> {
  let silent = targetPort === undefined;
  /** Open client connections, each with the upstream it is forwarded to, if any. */
  const open = new Map<Socket, Socket | undefined>();
  let onDrained: (() => void) | undefined;

  const mute = (client: Socket, upstream: Socket | undefined) => {
    if (upstream) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      upstream.pause(); // what the server still sends stays in this process
    }
    client.resume(); // read and drop
  };

  const server = createServer((client) => {
    client.on("error", () => {});
    client.once("close", () => {
      open.get(client)?.destroy();
      open.delete(client);
      if (open.size === 0) onDrained?.();
    });
    if (silent) {
      open.set(client, undefined);
      return mute(client, undefined);
    }
    const upstream = connect({ host: "127.0.0.1", port: targetPort! });
    open.set(client, upstream);
    upstream.on("error", () => client.destroy());
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;

  return {
    port,
    silence() {
      silent = true;
      for (const [client, upstream] of open) mute(client, upstream);
    },
    drained: () => (open.size === 0 ? Promise.resolve() : new Promise((resolve) => (onDrained = resolve))),
    async close() {
      for (const [client, upstream] of open) {
        client.destroy();
        upstream?.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** p's outcome, or a failure naming the limit if p is still pending after ms: a hang fails fast. */
export async function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The error p rejects with within ms; fails if p resolves or is still pending then. */
export const failureWithin = (p: Promise<unknown>, ms: number): Promise<unknown> =>
  within(
    p.then(
      () => {
        throw new Error("succeeded, expected a failure");
      },
      (err: unknown) => err,
    ),
    ms,
  );
