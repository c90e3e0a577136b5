/**
 * Every container image the platform deploys, pinned to a version tag. This is the one place
 * to bump a version; constructs take these as defaults and charts may override them.
 */
export const IMAGES = {
  /** Django/Gunicorn site of seed 000 (the operator's own image). */
  blogWeb: 'docker.io/caiodonalisio/website:1.4.2',
  /** Bun.js blog of seed 004 (the operator's own image). */
  bunBlog: 'docker.io/sudhan03/blog:2.3.0',
  /** NGINX built to run as a non-root user on port 8080. */
  nginx: 'docker.io/nginxinc/nginx-unprivileged:1.29.3-alpine',
  /** PostgreSQL 16 (seed 000 runs 16.4; this is the newest 16.x patch release). */
  postgres16: 'docker.io/library/postgres:16.10-alpine',
  /** PostgreSQL 16 for CloudNativePG clusters (seed 002): the operator's standard image of the same patch release. */
  cnpgPostgres16: 'ghcr.io/cloudnative-pg/postgresql:16.10-standard-bookworm',
  /** PgBouncer in front of single-instance PostgreSQL (seed 004). */
  pgbouncer: 'docker.io/edoburu/pgbouncer:v1.24.1-p1',
  /** Valkey, the BSD-licensed continuation of Redis 7.2 (seed 002). */
  valkey: 'docker.io/valkey/valkey:8.1.4-alpine',
  /** Prometheus exporter of Valkey/Redis metrics, a sidecar of every Valkey pod (port 9121). */
  valkeyExporter: 'docker.io/oliver006/redis_exporter:v1.80.1-alpine',
  /** Cloudflare Tunnel daemon (seed 000). */
  cloudflared: 'docker.io/cloudflare/cloudflared:2025.11.1',
} as const;
