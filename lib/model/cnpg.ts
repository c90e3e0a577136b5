/*
 * The pods CloudNativePG runs for its custom resources, which no template here describes: their
 * labels, ports and the Secrets the operator creates. The model, the NetworkPolicies and the
 * validator all read them from here.
 * @see https://cloudnative-pg.io/documentation/current/labels_annotations/
 */

export const CNPG_CLUSTER_LABEL = 'cnpg.io/cluster';
export const CNPG_JOB_ROLE_LABEL = 'cnpg.io/jobRole';

/** Labels of a Cluster's instance pods; its Jobs (initdb, join) carry the cluster label and a job role instead. */
export function cnpgInstanceLabels(cluster: string): Record<string, string> {
  return { [CNPG_CLUSTER_LABEL]: cluster, 'cnpg.io/podRole': 'instance' };
}

/** Labels of a Pooler's pods. */
export function cnpgPoolerLabels(pooler: string, cluster: string | undefined): Record<string, string> {
  return { 'cnpg.io/poolerName': pooler, [CNPG_CLUSTER_LABEL]: cluster as string, 'cnpg.io/podRole': 'pooler' };
}

/** Labels that select exactly a Pooler's pods. */
export function cnpgPoolerSelector(pooler: string): Record<string, string> {
  return { 'cnpg.io/poolerName': pooler };
}

export const CNPG_INSTANCE_PORTS = [{ name: 'postgresql', port: 5432 }, { name: 'metrics', port: 9187 }, { name: 'status', port: 8000 }];
export const CNPG_POOLER_PORTS = [{ name: 'pgbouncer', port: 5432 }, { name: 'metrics', port: 9127 }];

/** Secrets CloudNativePG creates for a Cluster named `cluster`. */
export function cnpgSecrets(cluster: string): string[] {
  return ['-app', '-superuser', '-ca', '-replication', '-server'].map(suffix => `${cluster}${suffix}`);
}

/** Port of the Services CloudNativePG creates (PostgreSQL, or PgBouncer in front of it). */
export const CNPG_SERVICE_PORT = 5432;

/**
 * The Services CloudNativePG creates: a Cluster's `-rw`, `-ro` and `-r` (each selecting its
 * instance pods; the operator narrows them by role at run time), a Pooler's own name.
 * @see https://cloudnative-pg.io/documentation/current/service_management/
 */
export function cnpgServices(kind: 'Cluster' | 'Pooler', name: string): { name: string; selector: Record<string, string> }[] {
  if (kind === 'Pooler') return [{ name, selector: cnpgPoolerSelector(name) }];
  return ['rw', 'ro', 'r'].map(suffix => ({ name: `${name}-${suffix}`, selector: cnpgInstanceLabels(name) }));
}
