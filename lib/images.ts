/**
 * Every container image the platform deploys, pinned to a version tag. This is the one place
 * to bump a version; constructs take these as defaults and charts may override them.
 */
export const IMAGES = {
  /** Django/Gunicorn site of seed 000 (the operator's own image). */
  blogWeb: 'docker.io/caiodonalisio/website:1.4.2',
  /** The URL shortener of this repository (app/Dockerfile), built and pushed by CI. */
  urlShortener: 'ghcr.io/homelab/url-shortener:0.1.0',
  /** Bun.js blog of seed 004 (the operator's own image). */
  bunBlog: 'docker.io/sudhan03/blog:2.3.0',
  /** NGINX built to run as a non-root user on port 8080. */
  nginx: 'docker.io/nginxinc/nginx-unprivileged:1.29.3-alpine',
  /** PostgreSQL 16 (seed 000 runs 16.4; this is the newest 16.x patch release). */
  postgres16: 'docker.io/library/postgres:16.10-alpine',
  /** PostgreSQL 16 for CloudNativePG clusters (seed 002): the operator's standard image of the same patch release. */
  cnpgPostgres16: 'ghcr.io/cloudnative-pg/postgresql:16.10-standard-bookworm',
  /** rclone, copying the single-instance PostgreSQL dumps offsite (seed 004); the image's tags have no `v`. */
  rclone: 'docker.io/rclone/rclone:1.71.2',
  /** PgBouncer in front of single-instance PostgreSQL (seed 004). */
  pgbouncer: 'docker.io/edoburu/pgbouncer:v1.24.1-p1',
  /** Valkey, the BSD-licensed continuation of Redis 7.2 (seed 002). */
  valkey: 'docker.io/valkey/valkey:8.1.4-alpine',
  /** Prometheus exporter of Valkey/Redis metrics, a sidecar of every Valkey pod (port 9121). */
  valkeyExporter: 'docker.io/oliver006/redis_exporter:v1.80.1-alpine',
  /** Cloudflare Tunnel daemon (seed 000). */
  cloudflared: 'docker.io/cloudflare/cloudflared:2025.11.1',
  /** Prometheus server (seeds 002 and 004). */
  prometheus: 'quay.io/prometheus/prometheus:v3.5.0',
  /** Alertmanager (seed 002). */
  alertmanager: 'quay.io/prometheus/alertmanager:v0.28.1',
  /** Blackbox exporter, probing public URLs (seed 004). */
  blackboxExporter: 'quay.io/prometheus/blackbox-exporter:v0.27.0',
  /** node-exporter, one per node. */
  nodeExporter: 'quay.io/prometheus/node-exporter:v1.9.1',
  /** kube-state-metrics, object state as metrics. */
  kubeStateMetrics: 'registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.16.0',
  /** Grafana (seeds 002 and 004). */
  grafana: 'docker.io/grafana/grafana:12.1.1',
  /** Loki in monolithic mode (seeds 002 and 004). */
  loki: 'docker.io/grafana/loki:3.5.3',
  /** redis_exporter, the metrics sidecar of Valkey pods. */
  redisExporter: 'docker.io/oliver006/redis_exporter:v1.67.0',
  /** Miniflux, the feed reader rendered through bjw-s app-template (charts/miniflux.ts). */
  miniflux: 'ghcr.io/miniflux/miniflux:2.2.13',
  /** traefik/whoami, the plain-manifests example (charts/manifests/whoami/). */
  whoami: 'docker.io/traefik/whoami:v1.11.0',
  /** Grafana Alloy, the log shipper that succeeds Promtail (end of life March 2026). */
  alloy: 'docker.io/grafana/alloy:v1.10.2',
  /** Ollama with ROCm, the LLM server of seed 004 on an AMD GPU. */
  ollamaRocm: 'docker.io/ollama/ollama:0.32.15-rocm',
  /** AMD's ROCm device plugin (chart amd-gpu 0.21.0's appVersion): advertises `amd.com/gpu`. */
  amdGpuDevicePlugin: 'docker.io/rocm/k8s-device-plugin:1.31.0.9',
  /**
   * Argo CD, which syncs everything else (charts/argocd.ts renders its install manifests). One pin
   * for the deployment and the tests: scripts/vendor-argocd.sh vendors the install manifests of this
   * version and scripts/build-argocd.sh builds the tests' Argo CD from the same Go module.
   */
  argocd: 'quay.io/argoproj/argocd:v3.6.2',
  /** Argo CD's cache (the Redis image of its install manifests of the version above). */
  argocdRedis: 'public.ecr.aws/docker/library/redis:8.10.1-alpine',
  /** NVIDIA's device plugin (chart nvidia-device-plugin 0.20.0's appVersion): advertises `nvidia.com/gpu`. */
  nvidiaDevicePlugin: 'nvcr.io/nvidia/k8s-device-plugin:v0.20.0',
} as const;
