import { randomBytes } from "node:crypto";
/**
 * deploy/kubernetes cannot be applied here (no cluster), so each overlay is rendered by kustomize
 * and decoded strictly into the official API types (kube-check), then checked: probes, resources,
 * security contexts, disruption budgets, the NATS cluster, Secrets referenced and never inline,
 * NetworkPolicies evaluated peer by peer, KEDA scaling on every consumer, and each service's
 * environment against its own config schema.
 */
import { FAIR_BUCKETS, JOB_CLASSES, STAGE_LANES, STAGE_SERVICES, Streams, fairDurableName, type Stage } from "@mp4t/contracts";
import { loadConfig, type WorkerEnvConfig } from "@mp4t/runtime";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, readEnvFile } from "./compose.ts";
import { APP, NATS_USERS, natsPasswordVar } from "./compose-fixture.ts";
import { KUBE_DIR, OVERLAYS, ingressAllowed, render, type Obj, type Peer } from "./kubernetes.ts";

const rendered = render(OVERLAYS.map((o) => join(KUBE_DIR, "overlays", o)));
const SECRET_KEYS = Object.keys(readEnvFile(join(KUBE_DIR, "secrets.example.env")));
/** The stages each worker service consumes (the janitor has two: cleanup and webhook). */
const stagesOf = (service: string) => (Object.keys(STAGE_SERVICES) as Stage[]).filter((s) => STAGE_SERVICES[s] === service);

describe.each(OVERLAYS)("deploy/kubernetes/overlays/%s", (overlay) => {
  const objects = rendered[join(KUBE_DIR, "overlays", overlay)]!;
  const of = (kind: string) => objects.filter((o) => o.kind === kind);
  const get = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name) ?? expect.fail(`no ${kind} ${name}`);
  const deployments = of("Deployment");
  const nats = get("StatefulSet", "nats");
  const namespace = get("Namespace", "mp4t").metadata.name;
  const containerOf = (d: Obj) => d.spec.template.spec.containers[0];
  const configMap = (prefix: string) => of("ConfigMap").find((c) => c.metadata.name.startsWith(prefix))!;

  it("has one Deployment per service, each on the same pinned image and told which service it is", () => {
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(Object.keys(APP).sort());
    const images = new Set(deployments.map((d) => containerOf(d).image));
    expect(images.size).toBe(1);
    expect([...images][0]).toMatch(/:[\w][\w.-]*$/);
    expect([...images][0]).not.toMatch(/:latest$/);
    for (const d of deployments) expect(containerOf(d).env.find((e: any) => e.name === "MP4T_SERVICE")?.value, d.metadata.name).toBe(d.metadata.name);
  });

  it("gives every pod probes on ports it declares, resources, and a non-root read-only security context", () => {
    for (const w of [...deployments, nats]) {
      const pod = w.spec.template.spec;
      expect(pod.securityContext, w.metadata.name).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
      expect(pod.automountServiceAccountToken, w.metadata.name).toBe(false);
      for (const c of pod.containers) {
        const ports = new Set(c.ports.flatMap((p: any) => [p.name, p.containerPort]));
        for (const probe of ["readinessProbe", "livenessProbe"]) {
          expect(c[probe]?.httpGet, `${w.metadata.name} ${probe}`).toBeDefined();
          expect(ports.has(c[probe].httpGet.port), `${w.metadata.name} ${probe} port`).toBe(true);
        }
        expect(Object.keys(c.resources.requests ?? {}).sort(), w.metadata.name).toEqual(["cpu", "memory"]);
        expect(Object.keys(c.resources.limits ?? {}).sort(), w.metadata.name).toEqual(["cpu", "memory"]);
        expect(c.securityContext, w.metadata.name).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ["ALL"] },
        });
      }
    }
    for (const d of deployments) {
      const ready = containerOf(d).readinessProbe.httpGet.path;
      expect(ready, d.metadata.name).toBe(d.metadata.name === "gateway" ? "/ready" : "/metrics");
      expect(d.spec.template.spec.volumes.find((v: any) => v.name === "tmp")?.emptyDir, d.metadata.name).toBeDefined();
    }
  });

  it("keeps every workload under a PodDisruptionBudget", () => {
    for (const w of [...deployments, nats]) {
      const labels = w.spec.template.metadata.labels;
      const pdbs = of("PodDisruptionBudget").filter((p) => Object.entries(p.spec.selector.matchLabels).every(([k, v]) => labels[k] === v));
      expect(pdbs.length, w.metadata.name).toBe(1);
    }
  });

  it("runs a three-node JetStream cluster whose routes, names and TLS match its config", () => {
    expect(nats.spec).toMatchObject({ replicas: 3, ordinals: { start: 1 }, serviceName: "nats-headless" });
    const c = nats.spec.template.spec.containers[0];
    expect(c.args).toEqual(["-c", "/etc/nats/nats-cluster.conf", "--name", "$(POD_NAME)"]);
    const conf = Object.values(configMap("nats-config").data!)[0]!;
    const routes = [...conf.matchAll(/nats:\/\/([\w-]+):6222/g)].map((m) => m[1]!);
    expect(routes).toEqual(["nats-1", "nats-2", "nats-3"]);
    for (const r of routes) expect(get("Service", r).spec.selector["statefulset.kubernetes.io/pod-name"]).toBe(r);
    expect(get("Service", "nats-headless").spec).toMatchObject({ clusterIP: "None", publishNotReadyAddresses: true });
    for (const user of NATS_USERS) {
      expect(conf, user).toContain(`$${natsPasswordVar(user)}`);
      expect(c.env.find((e: any) => e.name === natsPasswordVar(user))?.valueFrom?.secretKeyRef, user).toEqual({
        name: "mp4t-secrets",
        key: natsPasswordVar(user),
      });
    }
    for (const file of ["/etc/nats/tls/ca.pem", "/etc/nats/tls/server.pem", "/etc/nats/tls/server-key.pem"]) expect(conf).toContain(file);
    expect(c.volumeMounts.find((m: any) => m.mountPath === "/etc/nats/tls")?.name).toBe("tls");
  });

  // deploy/nats/ is generated by the NATS permission table (nats-auth work); until it is merged here
  // there is nothing to compare the copy with.
  it("ships deploy/nats/nats-cluster.conf unchanged", () => {
    expect(readFileSync(join(KUBE_DIR, "base", "nats-cluster.conf"), "utf8")).toBe(readFileSync(join(ROOT, "deploy", "nats", "nats-cluster.conf"), "utf8"));
  });

  it("holds no secret inline: every credential is a key of Secret mp4t-secrets that secrets.example.env lists", () => {
    expect(of("Secret")).toEqual([]);
    const refs = new Set<string>();
    for (const w of [...deployments, nats]) {
      for (const e of w.spec.template.spec.containers[0].env ?? []) {
        if (/PASSWORD|SECRET|TOKEN|_KEY$|MONGODB_URL/.test(e.name)) expect(e.value, `${w.metadata.name} ${e.name} inline`).toBeUndefined();
        const ref = e.valueFrom?.secretKeyRef;
        if (ref) {
          expect(ref.name).toBe("mp4t-secrets");
          refs.add(ref.key);
        }
      }
    }
    for (const cm of of("ConfigMap")) for (const k of Object.keys(cm.data ?? {})) expect(k, cm.metadata.name).not.toMatch(/PASSWORD|SECRET|TOKEN/);
    expect([...refs].sort()).toEqual([...SECRET_KEYS].sort());
    // Only the gateway gets the token key and the admin login; each service only its own NATS password.
    for (const d of deployments) {
      const keys = containerOf(d)
        .env.filter((e: any) => e.valueFrom?.secretKeyRef)
        .map((e: any) => e.valueFrom.secretKeyRef.key);
      const own = [
        natsPasswordVar(d.metadata.name),
        "MONGODB_URL",
        "S3_ACCESS_KEY",
        "S3_SECRET_KEY",
        ...(d.metadata.name === "gateway" ? ["JWT_SECRET", "ADMIN_EMAIL", "ADMIN_PASSWORD"] : []),
      ];
      expect(keys.sort(), d.metadata.name).toEqual(own.sort());
    }
  });

  it("gives every service an environment its own config schema accepts, in this profile", () => {
    const profile = configMap("mp4t-profile").data!;
    expect(profile).toEqual(readEnvFile(join(ROOT, "deploy", "profiles", `${overlay}.env`)));
    const secrets = Object.fromEntries(
      SECRET_KEYS.map((k) => [
        k,
        k === "MONGODB_URL" ? "mongodb://mp4t:pw@mongo:27017/" : k === "ADMIN_EMAIL" ? "admin@example.com" : randomBytes(30).toString("base64url"),
      ]),
    );
    for (const d of deployments) {
      const env: Record<string, string> = { ...configMap("mp4t-config").data, ...profile };
      for (const e of containerOf(d).env) env[e.name] = e.value ?? secrets[e.valueFrom.secretKeyRef.key]!;
      const config = loadConfig(d.metadata.name, APP[d.metadata.name]!, env) as WorkerEnvConfig & { NATS_URL: string };
      expect(config.NODE_ENV, d.metadata.name).toBe(overlay);
      expect(config.NATS_URL).toBe("tls://nats:4222");
      expect(env.NATS_USER, d.metadata.name).toBe(d.metadata.name);
      const ca = d.spec.template.spec.volumes.find((v: any) => v.name === "nats-ca").secret;
      expect(ca, d.metadata.name).toEqual({ secretName: "mp4t-nats-tls", items: [{ key: "ca.pem", path: "ca.pem" }] });
    }
  });

  it("lets only the services reach NATS clients, only NATS nodes its routes, KEDA its monitoring, anyone the gateway", () => {
    const policies = of("NetworkPolicy").map((p) => ({ ...p, metadata: { ...p.metadata, namespace } }));
    const pod = (w: Obj): Peer => ({ namespace, labels: w.spec.template.metadata.labels });
    const stranger: Peer = { namespace, labels: { app: "debug-shell" } };
    const elsewhere: Peer = { namespace: "default", labels: { "app.kubernetes.io/part-of": "mp4totext", "app.kubernetes.io/component": "service" } };
    const keda: Peer = { namespace: "keda", labels: { app: "keda-operator" } };
    const prometheus: Peer = { namespace: "monitoring", labels: { "app.kubernetes.io/name": "prometheus" } };
    for (const d of deployments) {
      expect(ingressAllowed(policies, pod(nats), 4222, pod(d)), `${d.metadata.name} -> nats:4222`).toBe(true);
      expect(ingressAllowed(policies, pod(nats), 6222, pod(d)), `${d.metadata.name} -> nats:6222`).toBe(false);
      expect(ingressAllowed(policies, pod(d), 9464, prometheus), `prometheus -> ${d.metadata.name}:9464`).toBe(true);
      expect(ingressAllowed(policies, pod(d), 9464, stranger), `stranger -> ${d.metadata.name}:9464`).toBe(false);
    }
    for (const peer of [stranger, elsewhere, keda]) expect(ingressAllowed(policies, pod(nats), 4222, peer), JSON.stringify(peer)).toBe(false);
    expect(ingressAllowed(policies, pod(nats), 6222, pod(nats))).toBe(true);
    expect(ingressAllowed(policies, pod(nats), 8222, keda)).toBe(true);
    expect(ingressAllowed(policies, pod(nats), 8222, stranger)).toBe(false);
    expect(ingressAllowed(policies, pod(get("Deployment", "gateway")), 8080, { namespace: "ingress-nginx", labels: {} })).toBe(true);
    expect(ingressAllowed(policies, pod(get("Deployment", "ingest")), 8080, stranger)).toBe(false);
  });

  it("scales each worker with KEDA on every one of its JetStream consumers' backlog", () => {
    const workers = deployments.filter((d) => d.metadata.name !== "gateway");
    expect(
      of("ScaledObject")
        .map((s) => s.spec.scaleTargetRef.name)
        .sort(),
    ).toEqual(workers.map((d) => d.metadata.name).sort());
    const headless = `${nats.spec.serviceName}.${namespace}.svc.cluster.local:8222`;
    for (const d of workers) {
      const name = d.metadata.name;
      const so = get("ScaledObject", name);
      const stages = stagesOf(name);
      const consumers = stages.flatMap((stage) => JOB_CLASSES.flatMap((cls) => Array.from({ length: FAIR_BUCKETS }, (_, b) => fairDurableName(stage, cls, b))));
      expect(so.spec.triggers.map((t: any) => t.metadata.consumer).sort(), name).toEqual(consumers.sort());
      for (const t of so.spec.triggers) {
        expect(t.type).toBe("nats-jetstream");
        const stage = stages.find((x) => t.metadata.consumer.startsWith(`${name}-${x}-`))!;
        expect(t.metadata).toMatchObject({ stream: Streams.lane(STAGE_LANES[stage]), natsServerMonitoringEndpoint: headless, account: "$G" });
      }
      const terms = so.spec.advanced.scalingModifiers.formula.split("+").map((s: string) => s.trim());
      expect(terms.sort(), `${name} formula sums every trigger`).toEqual(so.spec.triggers.map((t: any) => t.name).sort());
      expect(so.spec.minReplicaCount, name).toBeGreaterThanOrEqual(1);
      expect(so.spec.maxReplicaCount, name).toBeGreaterThanOrEqual(so.spec.minReplicaCount);
      expect(Number(containerOf(d).env.find((e: any) => e.name === "WORKER_REPLICAS").value), `${name} WORKER_REPLICAS = max`).toBe(so.spec.maxReplicaCount);
      expect(d.spec.replicas, `${name}: KEDA owns replicas`).toBeUndefined();
    }
  });
});
