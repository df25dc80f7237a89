/**
 * kube-check decodes strictly: a misspelt or mistyped field in any kind the overlays use fails the
 * render, naming the object. Each case edits one file of a temp copy of deploy/kubernetes.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { KUBE_DIR, KubeCheckError, render } from "./kubernetes.ts";

const copy = mkdtempSync(join(tmpdir(), "mp4t-kube-broken-"));
afterAll(() => rmSync(copy, { recursive: true, force: true }));

/** Renders the production overlay of a fresh copy with one edit in `file` (relative to deploy/kubernetes). */
function renderEdited(file: string, from: string, to: string) {
  const dir = join(copy, String(Math.random()).slice(2));
  cpSync(KUBE_DIR, dir, { recursive: true });
  const text = readFileSync(join(dir, file), "utf8");
  expect(text, `${file} has the edit's anchor: ${from}`).toContain(from);
  writeFileSync(join(dir, file), text.replace(from, to));
  return () => render([join(dir, "overlays", "production")]);
}

describe("kube-check refuses a broken field", () => {
  it("renders the unedited copy", () => {
    expect(Object.values(renderEdited("base/gateway.yaml", "replicas: 2", "replicas: 2")())[0]!.length).toBeGreaterThan(20);
  });

  it.each([
    ["a misspelt probe field (Deployment)", "base/ingest.yaml", "periodSeconds: 10", "periodSecond: 10", /Deployment mp4t\/ingest.*periodSecond/],
    [
      "a memory limit that is not a quantity (Deployment)",
      "base/transcriber.yaml",
      "memory: 3Gi",
      "memory: 3 gigabytes",
      /Deployment mp4t\/transcriber.*quantit/,
    ],
    ["a replica count as text (StatefulSet)", "base/nats.yaml", "replicas: 3", "replicas: three", /StatefulSet mp4t\/nats/],
    ["an unknown PodDisruptionBudget field", "base/pdb.yaml", "minAvailable: 1", "minAvailabel: 1", /PodDisruptionBudget mp4t\/gateway.*minAvailabel/],
    [
      "a misspelt NetworkPolicy selector",
      "base/networkpolicies.yaml",
      "  podSelector: {}",
      "  podSelectr: {}",
      /NetworkPolicy mp4t\/default-deny-ingress.*podSelectr/,
    ],
    [
      "a misspelt Service field",
      "base/nats.yaml",
      "publishNotReadyAddresses: true\n  selector:\n    app.kubernetes.io/name: nats\n  ports:\n    - { name: client",
      "publishNotReadyAdresses: true\n  selector:\n    app.kubernetes.io/name: nats\n  ports:\n    - { name: client",
      /Service mp4t\/nats-headless.*publishNotReadyAdresses/,
    ],
    [
      "a misspelt ScaledObject field",
      "overlays/production/scaling.yaml",
      "minReplicaCount: 5",
      "minReplicaCont: 5",
      /ScaledObject mp4t\/transcriber.*minReplicaCont/,
    ],
    [
      "a misspelt nats-jetstream trigger parameter",
      "base/keda-ingest.yaml",
      'lagThreshold: "8"',
      'lagThreshhold: "8"',
      /ScaledObject mp4t\/ingest.*lagThreshhold/,
    ],
    ["a kind nothing decodes", "base/namespace.yaml", "kind: ServiceAccount", "kind: ServiceAcount", /ServiceAcount/],
  ])("%s", (_what, file, from, to, message) => {
    const run = renderEdited(file, from, to);
    const err = (() => {
      try {
        run();
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(KubeCheckError);
    expect((err as Error).message).toMatch(message);
  });
});
