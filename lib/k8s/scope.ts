/** API group of an apiVersion: `apps/v1` -> `apps`, `v1` -> `` (core). */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

// Cluster-scoped kinds the platform may render, by `group/Kind`. Everything else is namespaced.
const CLUSTER_SCOPED = new Set([
  '/Namespace', '/Node', '/PersistentVolume',
  'rbac.authorization.k8s.io/ClusterRole', 'rbac.authorization.k8s.io/ClusterRoleBinding',
  'apiextensions.k8s.io/CustomResourceDefinition', 'apiregistration.k8s.io/APIService',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
  'storage.k8s.io/StorageClass', 'storage.k8s.io/CSIDriver', 'scheduling.k8s.io/PriorityClass',
  'node.k8s.io/RuntimeClass', 'networking.k8s.io/IngressClass',
  'cert-manager.io/ClusterIssuer', 'external-secrets.io/ClusterSecretStore',
  'gateway.networking.k8s.io/GatewayClass', 'postgresql.cnpg.io/ClusterImageCatalog',
]);

export function isClusterScoped(apiVersion: string, kind: string): boolean {
  return CLUSTER_SCOPED.has(`${apiGroup(apiVersion)}/${kind}`);
}
