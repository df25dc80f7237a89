#!/usr/bin/env node
// The `mp4t` command. In the checkout (`npm run cli`, or `npm i -g ./packages/client`, which links
// it) it runs the TypeScript source by Node's type stripping; an installed package (`pnpm pack`,
// whose prepack compiles dist/) has no src/ and runs dist/, since Node strips no types inside
// node_modules. This shim only picks one and explains what is missing.
import { existsSync } from "node:fs";

const [major] = process.versions.node.split(".").map(Number);
if (major < 24) {
  console.error(`mp4t needs Node.js 24 or later (this is ${process.version}); npm start installs it in ~/.cache/mp4t/bin`);
  process.exit(2);
}
try {
  const fromSource = existsSync(new URL("../src/cli/main.ts", import.meta.url));
  await import(fromSource ? "../src/cli/main.ts" : "../dist/cli/main.js");
} catch (err) {
  if (err?.code !== "ERR_MODULE_NOT_FOUND" && err?.code !== "ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING") throw err;
  console.error(
    `mp4t: ${err.message}\nInstall it from a checkout whose dependencies are installed (npm run cli -- --help, then npm i -g ./packages/client), or from its packed tarball (pnpm pack in packages/client)`,
  );
  process.exit(2);
}
