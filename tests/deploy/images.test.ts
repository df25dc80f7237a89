/**
 * No image that compose or Kubernetes runs is an AGPL/SSPL/BUSL server (tests/deploy/images.ts's
 * deny-list): the MongoDB server, MinIO, Grafana, k6 and their kin stay out, and an edited file
 * bringing one back fails here with the service and the licence.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { COMPOSE_FILE, ROOT, composeCheck, loadProject } from "./compose.ts";
import { PROFILES, shellFor } from "./compose-fixture.ts";
import { deniedImages, kubernetesImages, repositoryOf } from "./images.ts";
import { KUBE_DIR, OVERLAYS, render, type Obj } from "./kubernetes.ts";

const composeImages = (services: Record<string, { image?: string }>, profile: string) =>
  Object.entries(services).map(([name, s]) => ({ where: `compose ${profile}: ${name}`, image: s.image ?? "" }));

describe("the image deny-list", () => {
  it.each([
    ["mongo:8.0.17", "mongo"],
    ["docker.io/library/mongo:8.0.17", "mongo"],
    ["MONGO@sha256:" + "a".repeat(64), "mongo"],
    ["index.docker.io/library/mongo", "mongo"],
    ["quay.io/minio/minio:RELEASE.2025-01-01T00-00-00Z", "quay.io/minio/minio"],
    ["grafana/k6:1.4.0", "grafana/k6"],
    ["registry.local:5000/mongo:8", "registry.local:5000/mongo"],
  ])("reads %s as repository %s", (image, repository) => {
    expect(repositoryOf(image)).toBe(repository);
  });

  it("refuses the servers this project replaced, and lets their replacements through", () => {
    const refused = [
      "mongo:8.0.17",
      "docker.io/mongodb/mongodb-community-server:8.0-ubi9",
      "minio/minio:latest",
      "quay.io/minio/minio:RELEASE.2025",
      "grafana/grafana:12.0.0",
      "grafana/k6:1.4.0",
      "redis:8.2",
    ];
    const allowed = [
      "ghcr.io/ferretdb/ferretdb:1.24.2",
      "postgres:16.9",
      "ghcr.io/versity/versitygw:v1.8.0",
      "nats:2.15.2-alpine",
      "jaegertracing/jaeger:2.13.0",
      "prom/prometheus:v3.5.0",
      "valkey/valkey:8.1",
      "mp4totext:dev",
    ];
    const found = deniedImages([...refused, ...allowed].map((image) => ({ where: image, image })));
    expect(found.map((d) => d.image)).toEqual(refused);
    expect(found[0]!.reason).toMatch(/SSPL/);
  });
});

describe("no denied image in docker-compose.yml", () => {
  it.each(PROFILES)("%s runs none", (profile) => {
    const images = composeImages(loadProject(profile, shellFor(profile)).services, profile);
    expect(images.length).toBeGreaterThan(5);
    expect(deniedImages(images)).toEqual([]);
  });

  it("fails a file that brings the MongoDB server back, naming the service and its licence", () => {
    const dir = mkdtempSync(join(tmpdir(), "mp4t-images-"));
    try {
      const original = readFileSync(COMPOSE_FILE, "utf8");
      const from = "image: ghcr.io/ferretdb/ferretdb:1.24.2";
      expect(original).toContain(from);
      const file = join(dir, "docker-compose.yml");
      writeFileSync(file, original.replace(from, "image: mongo:8.0.17"));
      const loaded = composeCheck({ profile: "development", shell: shellFor("development"), file, projectDir: ROOT }) as {
        services: Record<string, { image?: string }>;
      };
      expect(deniedImages(composeImages(loaded.services, "development"))).toEqual([
        { where: "compose development: ferretdb", image: "mongo:8.0.17", reason: expect.stringMatching(/SSPL-1\.0/) },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("no denied image in deploy/kubernetes", () => {
  const dir = mkdtempSync(join(tmpdir(), "mp4t-images-kube-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const paths = OVERLAYS.map((o) => join(KUBE_DIR, "overlays", o));
  const rendered = render(paths);

  it.each(paths)("%s runs none", (path) => {
    const images = kubernetesImages(rendered[path]!);
    const repositories = images.map((i) => repositoryOf(i.image));
    expect(repositories).toContain("nats");
    expect(repositories.filter((r) => r.endsWith("mp4totext"))).toHaveLength(6);
    expect(deniedImages(images)).toEqual([]);
  });

  it("fails an overlay that adds a MinIO server, naming the object and its licence", () => {
    // An overlay of the real base plus one StatefulSet, as someone adding an S3 server would write it.
    writeFileSync(join(dir, "kustomization.yaml"), `resources:\n  - ${relative(dir, join(KUBE_DIR, "base"))}\n  - minio.yaml\n`);
    writeFileSync(
      join(dir, "minio.yaml"),
      [
        "apiVersion: apps/v1",
        "kind: StatefulSet",
        "metadata: { name: minio, namespace: mp4t }",
        "spec:",
        "  serviceName: minio",
        "  selector: { matchLabels: { app: minio } }",
        "  template:",
        "    metadata: { labels: { app: minio } }",
        "    spec:",
        "      containers: [{ name: minio, image: quay.io/minio/minio:RELEASE.2025-04-22T22-12-26Z, args: [server, /data] }]",
        "",
      ].join("\n"),
    );
    const objects: Obj[] = render([dir])[dir]!;
    expect(deniedImages(kubernetesImages(objects))).toEqual([
      { where: "StatefulSet/minio container minio", image: "quay.io/minio/minio:RELEASE.2025-04-22T22-12-26Z", reason: expect.stringMatching(/AGPL-3\.0/) },
    ]);
  });
});
