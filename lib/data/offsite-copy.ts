import { IConstruct } from 'constructs';
import { resolveProps } from '../config';
import { fail } from '../errors';
import { IMAGES } from '../images';
import { EnvMap, EnvValue } from '../k8s/env';
import { assertPort } from '../k8s/names';
import { ResourcesProps } from '../workloads/resources';

/** An S3-compatible bucket (Backblaze B2, Wasabi, Cloudflare R2, a remote MinIO), reached over HTTPS. */
export interface OffsiteS3 {
  readonly type: 's3';
  /** The S3 API's URL, `https://` only, e.g. `https://s3.eu-central-003.backblazeb2.com`. */
  readonly endpoint: string;
  readonly bucket: string;
  /**
   * rclone's name for the provider, which selects its quirks (`Other`, `Minio`, `Wasabi`, `Cloudflare`...).
   * @default OFFSITE_COPY_DEFAULTS.s3.provider ('Other')
   * @see https://rclone.org/s3/#s3-provider
   */
  readonly provider?: string;
  /** Signing region. @default - rclone's default (`us-east-1`), which most S3-compatible services accept */
  readonly region?: string;
}

/** An SFTP server (a Hetzner Storage Box, a friend's NAS), logged in to with a private key. */
export interface OffsiteSftp {
  readonly type: 'sftp';
  readonly host: string;
  /** @default OFFSITE_COPY_DEFAULTS.sftp.port (22) */
  readonly port?: number;
  readonly user: string;
  /**
   * The server's public host key as a known_hosts line (`[host]:port ssh-ed25519 AAAA...`; public,
   * so it lives in git): rclone refuses a server presenting any other key.
   */
  readonly knownHosts: string;
}

export type OffsiteRemote = OffsiteS3 | OffsiteSftp;

/** Every default of an offsite copy (seed 004 keeps dumps offsite for 90 days). */
export const OFFSITE_COPY_DEFAULTS = {
  retentionDays: 90,
  image: IMAGES.rclone,
  /** Of an S3 `remote`. */
  s3: { provider: 'Other' },
  /** Of an SFTP `remote`. */
  sftp: { port: 22 },
  resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '256Mi' } } as ResourcesProps,
};

/** After each dump, copy the dumps to a remote with rclone and delete the remote's old ones (seed 004). */
export interface OffsiteCopyOptions {
  readonly remote: OffsiteRemote;
  /** Folder on the remote (under the bucket for S3), e.g. `bun-blog/postgres`. */
  readonly path: string;
  /** Days a dump is kept on the remote; at least the local retention. @default OFFSITE_COPY_DEFAULTS.retentionDays (90, seed 004) */
  readonly retentionDays?: number;
  /**
   * Secret with the remote's credentials, created by an ExternalSecret from the platform's store:
   * S3 `access-key-id` and `secret-access-key`; SFTP `ssh-private-key` (PEM or OpenSSH format).
   * @default `<backup>-offsite`
   */
  readonly credentialsSecret?: string;
  /** @default OFFSITE_COPY_DEFAULTS.image (IMAGES.rclone) */
  readonly image?: string;
  /** @default OFFSITE_COPY_DEFAULTS.resources (requests 50m / 64Mi, limits 500m / 256Mi) */
  readonly resources?: ResourcesProps;
}

/** The rclone remote's name; rclone reads its settings from `RCLONE_CONFIG_OFFSITE_*`. */
export const OFFSITE_REMOTE_NAME = 'offsite';
/** Where the credentials Secret is mounted (the SSH key is read as a file). */
export const OFFSITE_CREDENTIALS_DIR = '/credentials';

/** The Secret keys each remote type reads. */
export const OFFSITE_SECRET_KEYS = { s3: ['access-key-id', 'secret-access-key'], sftp: ['ssh-private-key'] } as const;

/**
 * The offsite copy, run after the dump: every local dump of the database the remote lacks is
 * uploaded, then the remote's dumps older than `$OFFSITE_RETENTION_DAYS` are deleted. Any failure
 * (unreachable remote, refused credentials) exits non-zero, failing the Job. POSIX sh (Alpine).
 */
export const OFFSITE_SCRIPT = `#!/bin/sh
set -eu
: "\${PGDATABASE:?}" "\${BACKUP_DIR:?}" "\${OFFSITE_REMOTE:?}" "\${OFFSITE_RETENTION_DAYS:?}"
rclone copy "$BACKUP_DIR" "$OFFSITE_REMOTE" --max-depth 1 --include "$PGDATABASE-*.dump" --stats-one-line -v
rclone delete "$OFFSITE_REMOTE" --max-depth 1 --include "$PGDATABASE-*.dump" --min-age "\${OFFSITE_RETENTION_DAYS}d" -v
echo "offsite: $(rclone lsf "$OFFSITE_REMOTE" --max-depth 1 --include "$PGDATABASE-*.dump" | wc -l) dump(s) kept on $OFFSITE_REMOTE"
`;

/** What the backup construct renders for an offsite copy: the rclone container's environment and the egress it needs. */
export interface OffsiteCopyPlan {
  readonly env: EnvMap;
  /** Files for the scripts ConfigMap (SFTP's known_hosts). */
  readonly files: Record<string, string>;
  readonly secretKeys: readonly string[];
  /** The remote's port on the internet, for the NetworkPolicy. */
  readonly port: number;
  /** Where to, for the declared connection's reason. */
  readonly target: string;
}

/** Checks the remote and renders the rclone remote as `RCLONE_CONFIG_OFFSITE_*` variables. */
export function planOffsiteCopy(scope: IConstruct, field: string, o: OffsiteCopyOptions, secret: string, scriptsDir: string): OffsiteCopyPlan {
  const cfg = (key: string) => `RCLONE_CONFIG_${OFFSITE_REMOTE_NAME.toUpperCase()}_${key}`;
  const path = o.path.replace(/^\/+|\/+$/g, '');
  if (!path || /\s/.test(path)) fail(scope, `${field}.path`, `"${o.path}" must name a folder on the remote, without spaces`);
  if (o.remote.type === 's3') {
    const r = resolveProps(OFFSITE_COPY_DEFAULTS.s3, o.remote);
    let url: URL | undefined;
    try { url = new URL(r.endpoint); } catch { /* reported below */ }
    if (!url || url.protocol !== 'https:' || url.pathname !== '/') fail(scope, `${field}.remote.endpoint`, `"${r.endpoint}" must be an https:// URL with no path`);
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(r.bucket)) fail(scope, `${field}.remote.bucket`, `"${r.bucket}" is not an S3 bucket name`);
    return {
      env: {
        [cfg('TYPE')]: 's3',
        [cfg('PROVIDER')]: r.provider,
        [cfg('ENDPOINT')]: r.endpoint,
        ...(r.region ? { [cfg('REGION')]: r.region } : {}),
        [cfg('ACCESS_KEY_ID')]: EnvValue.fromSecret(secret, 'access-key-id'),
        [cfg('SECRET_ACCESS_KEY')]: EnvValue.fromSecret(secret, 'secret-access-key'),
        // Never create the bucket: rclone would otherwise make a misspelt one and report success,
        // leaving the backups where nothing keeps or watches them. A missing bucket fails the Job.
        [cfg('NO_CHECK_BUCKET')]: 'true',
        OFFSITE_REMOTE: `${OFFSITE_REMOTE_NAME}:${r.bucket}/${path}`,
      },
      files: {},
      secretKeys: OFFSITE_SECRET_KEYS.s3,
      port: Number(url!.port || 443),
      target: `the S3 bucket ${r.bucket} at ${url!.host}`,
    };
  }
  if (o.remote.type === 'sftp') {
    const r = resolveProps(OFFSITE_COPY_DEFAULTS.sftp, o.remote);
    const port = r.port;
    assertPort(scope, `${field}.remote.port`, port);
    if (!/^[a-zA-Z0-9.-]+$/.test(r.host)) fail(scope, `${field}.remote.host`, `"${r.host}" is not a host name`);
    if (!/^\S+ (ssh-|ecdsa-)\S+ \S+/.test(r.knownHosts.trim())) {
      fail(scope, `${field}.remote.knownHosts`, 'must be a known_hosts line: "[host]:port ssh-ed25519 AAAA..." (ssh-keyscan -p <port> <host>)');
    }
    return {
      env: {
        [cfg('TYPE')]: 'sftp',
        [cfg('HOST')]: r.host,
        [cfg('PORT')]: String(port),
        [cfg('USER')]: r.user,
        [cfg('KEY_FILE')]: `${OFFSITE_CREDENTIALS_DIR}/ssh-private-key`,
        [cfg('KNOWN_HOSTS_FILE')]: `${scriptsDir}/known_hosts`,
        OFFSITE_REMOTE: `${OFFSITE_REMOTE_NAME}:${path}`,
      },
      files: { known_hosts: `${r.knownHosts.trim()}\n` },
      secretKeys: OFFSITE_SECRET_KEYS.sftp,
      port,
      target: `the SFTP server ${r.host}:${port}`,
    };
  }
  return fail(scope, `${field}.remote.type`, `"${String((o.remote as { type: unknown }).type)}" is not 's3' or 'sftp'`);
}
