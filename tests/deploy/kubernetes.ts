/**
 * The Kubernetes overlays as kube-check (tests/deploy/checks: kustomize's krusty and the official
 * API types, decoded strictly) renders them, and a small NetworkPolicy evaluator for the tests.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { toolBin } from "@mp4t/runtime";
import { ROOT } from "./compose.ts";

export const KUBE_DIR = join(ROOT, "deploy", "kubernetes");
export const OVERLAYS = ["staging", "production"] as const;
export const kubeCheckBin = () => toolBin("kube-check", "KUBE_CHECK_BIN");

// The shapes the tests read; kube-check has already decoded every object into its full API type.
export type Obj = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: any;
  data?: Record<string, string>;
};

export class KubeCheckError extends Error {}

/** Renders kustomization directories; throws KubeCheckError with kube-check's report if any object fails. */
export function render(dirs: string[]): Record<string, Obj[]> {
  const r = spawnSync(kubeCheckBin(), dirs, { encoding: "utf8", timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new Error(`kube-check did not run (${r.error.message}): run MP4T_TEST_TOOLS=1 bash scripts/toolchain.sh`);
  if (r.status !== 0) throw new KubeCheckError(r.stderr.trim());
  return JSON.parse(r.stdout) as Record<string, Obj[]>;
}

type LabelSelector = { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] };

export function matches(selector: LabelSelector | undefined, labels: Record<string, string>): boolean {
  if (!selector) return false;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = e.key in labels;
    if (e.operator === "In" && !(has && e.values!.includes(labels[e.key]!))) return false;
    if (e.operator === "NotIn" && has && e.values!.includes(labels[e.key]!)) return false;
    if (e.operator === "Exists" && !has) return false;
    if (e.operator === "DoesNotExist" && has) return false;
  }
  return true;
}

export type Peer = { namespace: string; labels: Record<string, string> };

/**
 * Whether ingress from `from` to a pod (labels, in `namespace`) on TCP `port` is allowed, as the
 * NetworkPolicy API defines it: no policy selecting the pod allows everything; otherwise some
 * rule of some selecting policy must admit the peer and the port.
 */
export function ingressAllowed(policies: Obj[], to: Peer, port: number, from: Peer): boolean {
  const selecting = policies.filter(
    (p) =>
      (p.metadata.namespace ?? to.namespace) === to.namespace &&
      matches(p.spec.podSelector, to.labels) &&
      (p.spec.policyTypes ?? ["Ingress"]).includes("Ingress"),
  );
  if (selecting.length === 0) return true;
  return selecting.some((p) =>
    (p.spec.ingress ?? []).some((rule: any) => {
      const portOk = !rule.ports?.length || rule.ports.some((rp: any) => (rp.protocol ?? "TCP") === "TCP" && (rp.port === undefined || rp.port === port));
      const peerOk =
        !rule.from?.length ||
        rule.from.some((peer: any) => {
          const nsOk = peer.namespaceSelector
            ? matches(peer.namespaceSelector, { "kubernetes.io/metadata.name": from.namespace })
            : from.namespace === to.namespace;
          const podOk = peer.podSelector ? matches(peer.podSelector, from.labels) : true;
          return nsOk && podOk && (peer.namespaceSelector || peer.podSelector);
        });
      return portOk && peerOk;
    }),
  );
}
