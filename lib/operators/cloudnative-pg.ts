import { OperatorRequirement } from './operator-requirement';
import { CERT_MANAGER } from './cert-manager';
import { resources } from './resources';

/** Namespace of the CloudNativePG operator; the Barman Cloud plugin must run next to it. */
export const CNPG_NAMESPACE = 'cnpg-system';

/**
 * The CloudNativePG operator 1.30.0 (the version of the CRDs in imports/), from the upstream
 * chart. Required by every `CloudNativePgCluster`.
 * @see https://github.com/cloudnative-pg/charts/tree/main/charts/cloudnative-pg
 */
export const CLOUDNATIVE_PG: OperatorRequirement = {
  name: 'cloudnative-pg',
  namespace: CNPG_NAMESPACE,
  repoURL: 'https://cloudnative-pg.github.io/charts',
  chart: 'cloudnative-pg',
  version: '0.29.0',
  description: 'CloudNativePG operator 1.30.0',
  values: {
    crds: { create: true },
    // Prometheus finds the clusters' pods by annotation; no PodMonitor (no Prometheus operator).
    monitoring: { podMonitorEnabled: false },
    resources: resources('100m', '128Mi', '500m', '512Mi'),
  },
  patches: {
    // Upstream's liveness probe is its readiness probe: out of rotation after 3 failed checks,
    // restarted only after 6.
    containers: {
      'cloudnative-pg/manager': {
        livenessProbe: { httpGet: { path: '/readyz', port: 'webhook-server', scheme: 'HTTPS' }, initialDelaySeconds: 3, periodSeconds: 10, failureThreshold: 6 },
      },
    },
  },
  wire: operator => {
    // The operator's own edges to the instances it manages (status, PostgreSQL) are derived from
    // the Clusters (lib/networking/network-policies.ts).
    operator.workload('cloudnative-pg').connectsToKubernetesApi('reconciles Clusters, Poolers and backups, and runs their pods');
  },
};

/**
 * The Barman Cloud CNPG-I plugin v0.13.0 (chart 0.7.0, the newest vendored; its ObjectStore CRD is
 * the one in imports/, unchanged in v0.14.0), which archives WAL and base backups to an object
 * store. Required by clusters with an object store.
 * @see https://cloudnative-pg.io/plugin-barman-cloud/docs/installation/
 */
export const BARMAN_CLOUD_PLUGIN: OperatorRequirement = {
  name: 'plugin-barman-cloud',
  namespace: CNPG_NAMESPACE,
  repoURL: 'https://cloudnative-pg.github.io/charts',
  chart: 'plugin-barman-cloud',
  version: '0.7.0',
  description: 'Barman Cloud CNPG-I plugin v0.14.0',
  values: {
    resources: resources('10m', '64Mi', '250m', '256Mi'),
  },
  requires: [CLOUDNATIVE_PG, CERT_MANAGER],
  wire: operator => {
    operator.workload('plugin-barman-cloud').connectsToKubernetesApi('reads ObjectStores and the Clusters that use them');
  },
};

/** The plugin name a Cluster's `plugins` and a ScheduledBackup's `pluginConfiguration` use. */
export const BARMAN_PLUGIN_NAME = 'barman-cloud.cloudnative-pg.io';
