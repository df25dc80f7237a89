import { readFile } from "node:fs/promises";
import { startCluster } from "../cluster.ts";
import { api, login } from "../../e2e/system.ts";
const c = await startCluster({ replicas: { gateway: 1, ingest: 2, transcriber: 2, diarizer: 2, enhancer: 2, janitor: 1 }, env: { ACK_WAIT_SEC: "5", LOG_LEVEL: "warn" } });
const wav = await readFile("/usr/share/pocketsphinx/test/data/librivox/sense_and_sensibility_01_austen_64kb-0880.wav");
await api(c.url, "/v1/auth/register", { method: "POST", body: JSON.stringify({ email: "a@b.test", password: "chaos password" }) });
const token = await login(c.url, "a@b.test", "chaos password");
const admin = await login(c.url, c.admin.email, c.admin.password);
const submit = async (n: number) => { for (let i = 0; i < n; i++) { const f = new FormData(); f.append("file", new Blob([wav]), "c.wav"); const r = await api(c.url, "/v1/jobs", { method: "POST", body: f, token }); if (r.status !== 202) console.log(r.status, r.text.slice(0, 100)); } };
await submit(8);
c.kill(c.replicas.find(r => r.name === "ingest")!);
const more = submit(8);
await new Promise(r => setTimeout(r, 1500));
console.error("=== RESTART", new Date().toISOString());
await c.restartNats();
await more;
for (let k = 0; k < 16; k++) {
  await new Promise(r => setTimeout(r, 5000));
  const j = await api<{ items: any[] }>(c.url, "/v1/jobs?limit=100", { token });
  const s = await api<any[]>(c.url, "/v1/admin/services", { token: admin });
  const counts: Record<string, number> = {}; for (const x of j.body.items ?? []) counts[x.status] = (counts[x.status] ?? 0) + 1;
  console.error(new Date().toISOString(), j.status, JSON.stringify(counts), Array.isArray(s.body) ? s.body.map((x: any) => `${x.name}:${JSON.stringify((x.stats?.workers ?? []).map((w: any) => [w.inFlight, w.processed, w.retried, w.redelivered, w.backlog, w.concurrency]))}`).join(" ") : s.text);
  if (counts.completed === 16) break;
}
await c.stop(); process.exit(0);
