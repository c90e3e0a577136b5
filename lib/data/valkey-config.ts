/**
 * The files of a Valkey deployment, as plain text: the server and Sentinel configuration and the
 * POSIX sh scripts that start them. Tests load exactly these into real servers.
 */

export const VALKEY_PORT = 6379;
export const SENTINEL_PORT = 26379;

/** Settings of a cache: nothing persisted, least-recently-used keys evicted at maxmemory. */
export interface CacheSettings {
  readonly maxmemoryBytes: number;
  readonly hasPassword: boolean;
}

function cacheLines(settings: CacheSettings): string[] {
  return [
    'bind * -::*',
    // Without a password the Service and NetworkPolicies are the only guard; keep the port open to them.
    `protected-mode ${settings.hasPassword ? 'yes' : 'no'}`,
    'save ""',
    'appendonly no',
    `maxmemory ${settings.maxmemoryBytes}`,
    'maxmemory-policy allkeys-lru',
  ];
}

/** The valkey.conf of a standalone cache (seed 000); the password comes on the command line. */
export function cacheConfig(maxmemoryBytes: number, hasPassword: boolean): string {
  return [`port ${VALKEY_PORT}`, ...cacheLines({ maxmemoryBytes, hasPassword }), ''].join('\n');
}

/**
 * The valkey.conf shared by the primary and the replicas. The start script appends the port, the
 * pod's own hostname to announce, the password, and `replicaof` on replicas.
 */
export function replicationConfig(settings: CacheSettings): string {
  return [
    ...cacheLines(settings),
    // A replica that lost its primary keeps answering reads with what it has.
    'replica-serve-stale-data yes',
    'replica-read-only yes',
    // Nothing is persisted: full syncs stream straight to the socket.
    'repl-diskless-sync yes',
    'repl-diskless-sync-delay 1',
    '',
  ].join('\n');
}

export interface SentinelSettings {
  readonly masterName: string;
  /** Hostname of the initial primary (pod 0), e.g. `valkey-0.valkey.url-shortener.svc.cluster.local`. */
  readonly primaryHost: string;
  readonly quorum: number;
  readonly downAfterMilliseconds: number;
  readonly failoverTimeoutMilliseconds: number;
}

/**
 * The sentinel.conf template. Sentinel rewrites its config file, so the start script copies this
 * into an emptyDir, points `sentinel monitor` at the primary the other Sentinels know (if any),
 * and appends the port, the pod's own hostname to announce and the passwords.
 */
export function sentinelConfig(settings: SentinelSettings): string {
  const m = settings.masterName;
  return [
    // Hostnames everywhere: pod IPs change on every restart, their DNS names do not.
    'sentinel resolve-hostnames yes',
    'sentinel announce-hostnames yes',
    `sentinel monitor ${m} ${settings.primaryHost} ${VALKEY_PORT} ${settings.quorum}`,
    `sentinel down-after-milliseconds ${m} ${settings.downAfterMilliseconds}`,
    `sentinel failover-timeout ${m} ${settings.failoverTimeoutMilliseconds}`,
    `sentinel parallel-syncs ${m} 1`,
    '',
  ].join('\n');
}

/**
 * Asks the Sentinels (through `$SENTINEL_HOST`) where the primary of `$MASTER_NAME` is, and sets
 * `primary_host`/`primary_port`; falls back to `$PRIMARY_HOST:$PRIMARY_PORT` (pod 0) when no
 * Sentinel answers, which is only the case on the very first start.
 */
const FIND_PRIMARY = `primary_host="$PRIMARY_HOST"
primary_port="$PRIMARY_PORT"
known=$(timeout 5 valkey-cli -h "$SENTINEL_HOST" -p "$SENTINEL_PORT" --raw sentinel get-master-addr-by-name "$MASTER_NAME" 2>/dev/null || true)
set -- $known
if [ $# -eq 2 ]; then
  primary_host="$1"
  primary_port="$2"
  echo "start: the Sentinels know the primary: $primary_host:$primary_port"
else
  echo "start: no Sentinel knows a primary yet; the primary is $primary_host:$primary_port"
fi`;

/**
 * Starts one server of the replication group. Its role is not fixed: after a failover any pod may
 * be the primary, so it joins whichever primary the Sentinels know, and is the primary itself
 * only when that is its own hostname. Environment: VALKEY_PORT, ANNOUNCE_HOST (the pod's
 * hostname), PRIMARY_HOST/PRIMARY_PORT (pod 0), SENTINEL_HOST/SENTINEL_PORT, MASTER_NAME,
 * CONFIG_DIR, DATA_DIR and optionally VALKEY_PASSWORD.
 */
export const START_VALKEY_SCRIPT = `#!/bin/sh
set -eu
conf="$DATA_DIR/valkey.conf"
${FIND_PRIMARY}
{
  cat "$CONFIG_DIR/valkey.conf"
  echo "dir $DATA_DIR"
  echo "port $VALKEY_PORT"
  echo "replica-announce-ip $ANNOUNCE_HOST"
  echo "replica-announce-port $VALKEY_PORT"
  if [ -n "\${VALKEY_PASSWORD:-}" ]; then
    echo "requirepass $VALKEY_PASSWORD"
    echo "masterauth $VALKEY_PASSWORD"
  fi
  if [ "$primary_host" != "$ANNOUNCE_HOST" ] || [ "$primary_port" != "$VALKEY_PORT" ]; then
    echo "replicaof $primary_host $primary_port"
  fi
} > "$conf"
exec valkey-server "$conf"
`;

/**
 * Starts one Sentinel from a writable copy of sentinel.conf (Sentinel rewrites its file), monitoring
 * the primary the other Sentinels know. Environment: as START_VALKEY_SCRIPT, plus SENTINEL_OWN_PORT;
 * ANNOUNCE_HOST is the Sentinel's own hostname.
 */
export const START_SENTINEL_SCRIPT = `#!/bin/sh
set -eu
conf="$DATA_DIR/sentinel.conf"
${FIND_PRIMARY}
# Sentinel resolves the primary's hostname when it loads its config and exits if it cannot:
# wait (up to a minute) until the primary answers, e.g. while pod 0 is still being scheduled.
tries=0
until timeout 2 valkey-cli -h "$primary_host" -p "$primary_port" ping >/dev/null 2>&1 || [ $tries -ge 30 ]; do
  tries=$((tries + 1))
  sleep 2
done
{
  awk -v name="$MASTER_NAME" -v host="$primary_host" -v port="$primary_port" \\
    '$1 == "sentinel" && $2 == "monitor" && $3 == name { $4 = host; $5 = port } { print }' "$CONFIG_DIR/sentinel.conf"
  echo "dir $DATA_DIR"
  echo "port $SENTINEL_OWN_PORT"
  echo "sentinel announce-ip $ANNOUNCE_HOST"
  echo "sentinel announce-port $SENTINEL_OWN_PORT"
  if [ -n "\${VALKEY_PASSWORD:-}" ]; then
    echo "sentinel auth-pass $MASTER_NAME $VALKEY_PASSWORD"
    echo "requirepass $VALKEY_PASSWORD"
    echo "sentinel sentinel-pass $VALKEY_PASSWORD"
  fi
} > "$conf"
exec valkey-server "$conf" --sentinel
`;
