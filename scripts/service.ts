/**
 * `npm run service -- <name>`: one more replica of one service against NATS_URL (default: the
 * embedded server of `npm start`). Replicas share their stage's durable consumer, so each one
 * added takes a share of the work with no coordination of its own.
 */
// Only the names: the supervisor stays small (the full contracts load zod, some 20 MiB resident).
import { SERVICE_NAMES } from "@mp4t/contracts/subjects";
import { isServiceName, superviseService } from "./launcher.ts";

const name = process.argv[2] ?? "";
if (!isServiceName(name)) {
  process.stderr.write(`usage: npm run service -- <${SERVICE_NAMES.join("|")}>\n`);
  process.exit(64);
}
const svc = superviseService(name, process.env, (line) => process.stderr.write(`[mp4totext] ${line}\n`));
const stop = async () => {
  await svc.stop(Number(process.env.SHUTDOWN_GRACE_SEC ?? 20) * 1000 + 2000);
  process.exit(0);
};
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());
