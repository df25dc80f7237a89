/**
 * Container images this project must not run: servers under AGPL, SSPL, BUSL or other licences
 * that are not open source (the same policy as the npm/Go/Debian licence gate, tests/licences).
 * An image's licence is not in its reference, so this is a reviewed list of repositories; its
 * permissive replacements are named beside each entry.
 */

/** Repository (as `repositoryOf` returns it) and why it is refused. */
export const DENIED_IMAGES: Record<string, string> = {
  mongo: "MongoDB server, SSPL-1.0 (use FerretDB: ghcr.io/ferretdb/ferretdb)",
  "mongodb/mongodb-community-server": "MongoDB server, SSPL-1.0",
  "mongodb/mongodb-enterprise-server": "MongoDB Enterprise, proprietary",
  "bitnami/mongodb": "MongoDB server, SSPL-1.0",
  "minio/minio": "MinIO server, AGPL-3.0 (use versitygw: ghcr.io/versity/versitygw)",
  "quay.io/minio/minio": "MinIO server, AGPL-3.0",
  "bitnami/minio": "MinIO server, AGPL-3.0",
  "grafana/grafana": "Grafana, AGPL-3.0 (dashboards stay in observability/ for operators' own Grafana)",
  "grafana/grafana-oss": "Grafana, AGPL-3.0",
  "grafana/grafana-enterprise": "Grafana Enterprise, proprietary",
  "bitnami/grafana": "Grafana, AGPL-3.0",
  "grafana/k6": "k6, AGPL-3.0 (load tests run on Artillery)",
  "loadimpact/k6": "k6, AGPL-3.0",
  "grafana/loki": "Loki, AGPL-3.0",
  "grafana/tempo": "Tempo, AGPL-3.0 (traces go to Jaeger)",
  "grafana/mimir": "Mimir, AGPL-3.0 (metrics go to Prometheus)",
  redis: "Redis 7.4+, RSALv2/SSPL-1.0 (8.0+ adds AGPL-3.0); Valkey is BSD-3-Clause",
  "redis/redis-stack-server": "Redis Stack, RSALv2/SSPL-1.0",
  elasticsearch: "Elasticsearch, ELv2/SSPL-1.0/AGPL-3.0",
  "docker.elastic.co/elasticsearch/elasticsearch": "Elasticsearch, ELv2/SSPL-1.0/AGPL-3.0",
  kibana: "Kibana, ELv2/SSPL-1.0/AGPL-3.0",
  "docker.elastic.co/kibana/kibana": "Kibana, ELv2/SSPL-1.0/AGPL-3.0",
  "hashicorp/vault": "Vault, BUSL-1.1",
  "hashicorp/consul": "Consul, BUSL-1.1",
  "cockroachdb/cockroach": "CockroachDB, CockroachDB Software License",
};

/**
 * An image reference's repository, spelled one way: Docker Hub's implicit registry and `library/`
 * dropped, tag and digest removed, lower case. `docker.io/library/mongo:8@sha256:...` is `mongo`;
 * `quay.io/minio/minio:RELEASE...` stays `quay.io/minio/minio`.
 */
export function repositoryOf(image: string): string {
  let ref = image
    .trim()
    .toLowerCase()
    .replace(/@sha256:[0-9a-f]+$/, "");
  const lastSlash = ref.lastIndexOf("/");
  const colon = ref.lastIndexOf(":");
  if (colon > lastSlash) ref = ref.slice(0, colon); // a tag (a registry's :port comes before a slash)
  ref = ref.replace(/^(docker\.io|index\.docker\.io|registry-1\.docker\.io|registry\.hub\.docker\.com)\//, "");
  return ref.replace(/^library\//, "");
}

export type DeniedImage = { where: string; image: string; reason: string };

/** The images among `images` (where -> reference) that are on the deny-list. */
export function deniedImages(images: { where: string; image: string }[]): DeniedImage[] {
  return images.flatMap(({ where, image }) => {
    const reason = DENIED_IMAGES[repositoryOf(image)];
    return reason ? [{ where, image, reason }] : [];
  });
}

type PodSpec = {
  containers?: { name: string; image: string }[];
  initContainers?: { name: string; image: string }[];
  ephemeralContainers?: { name: string; image: string }[];
};
type KubeObject = { kind: string; metadata: { name: string }; spec?: any };

/** Every container image in rendered Kubernetes objects (Pods and everything with a pod template). */
export function kubernetesImages(objects: KubeObject[]): { where: string; image: string }[] {
  const podSpecOf = (o: KubeObject): PodSpec | undefined => {
    if (o.kind === "Pod") return o.spec;
    if (o.kind === "CronJob") return o.spec?.jobTemplate?.spec?.template?.spec;
    return o.spec?.template?.spec;
  };
  return objects.flatMap((o) => {
    const spec = podSpecOf(o);
    if (!spec) return [];
    return [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])].map((c) => ({
      where: `${o.kind}/${o.metadata.name} container ${c.name}`,
      image: c.image,
    }));
  });
}
