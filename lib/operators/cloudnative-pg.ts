import { OperatorRequirement } from '../platform/operator';
import { CERT_MANAGER } from './cert-manager';

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
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
  },
  syncWave: -2,
};

/**
 * The Barman Cloud CNPG-I plugin 0.14.0 (the version of the ObjectStore CRD in imports/), which
 * archives WAL and base backups to an object store. Required by clusters with an object store.
 * @see https://cloudnative-pg.io/plugin-barman-cloud/docs/installation/
 */
export const BARMAN_CLOUD_PLUGIN: OperatorRequirement = {
  name: 'plugin-barman-cloud',
  namespace: CNPG_NAMESPACE,
  repoURL: 'https://cloudnative-pg.github.io/charts',
  chart: 'plugin-barman-cloud',
  version: '0.8.0',
  description: 'Barman Cloud CNPG-I plugin v0.14.0',
  values: {},
  requires: [CLOUDNATIVE_PG, CERT_MANAGER],
  syncWave: -1,
};

/** The plugin name a Cluster's `plugins` and a ScheduledBackup's `pluginConfiguration` use. */
export const BARMAN_PLUGIN_NAME = 'barman-cloud.cloudnative-pg.io';
