#!/usr/bin/env node
// The `mp4t` command: the CLI is TypeScript run by Node's type stripping (Node 24), from the
// repository checkout `npm i -g ./packages/client` links to. This shim only explains what is missing.
const [major] = process.versions.node.split(".").map(Number);
if (major < 24) {
  console.error(`mp4t needs Node.js 24 or later (this is ${process.version}); npm start installs it in ~/.cache/mp4t/bin`);
  process.exit(2);
}
try {
  await import("../src/cli/main.ts");
} catch (err) {
  if (err?.code !== "ERR_MODULE_NOT_FOUND" && err?.code !== "ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING") throw err;
  console.error(`mp4t: ${err.message}\nInstall it from a checkout whose dependencies are installed: npm run cli -- --help, then npm i -g ./packages/client`);
  process.exit(2);
}
