import { Construct } from 'constructs';
import { Application } from '../../imports/argocd-application-argoproj.io';
import { AppProject } from '../../imports/argocd-appproject-argoproj.io';
import { standardLabels } from '../k8s/labels';
import { OperatorRequirement } from '../platform/operator';
import { Platform } from '../platform/platform';
import { PodSecurity } from '../platform/pod-security';
import { GITOPS_PART_OF } from './root-application';
import { AUTOMATED_SYNC, SYNC_RETRY } from './sync-policy';

/** The AppProject of every operator: the only one allowed CRDs and cluster-wide RBAC. */
export const OPERATORS_PROJECT = 'operators';

/** Why an operator's namespace enforces Pod Security "privileged", on its Application. */
const PRIVILEGED_REASON_ANNOTATION = 'platform.homelab/pod-security-reason';

/** Cluster-scoped kinds an operator chart installs: its CRDs, its cluster RBAC, its webhooks. */
const OPERATOR_CLUSTER_KINDS = [
  { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' },
  { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' },
  { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding' },
  { group: 'admissionregistration.k8s.io', kind: 'MutatingWebhookConfiguration' },
  { group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration' },
];

/** Namespaced kinds an operator chart installs in its own namespace. */
const OPERATOR_NAMESPACED_KINDS = [
  { group: '', kind: 'ConfigMap' },
  { group: '', kind: 'Secret' },
  { group: '', kind: 'Service' },
  { group: '', kind: 'ServiceAccount' },
  { group: 'apps', kind: 'DaemonSet' },
  { group: 'apps', kind: 'Deployment' },
  { group: 'batch', kind: 'Job' },
  { group: 'policy', kind: 'PodDisruptionBudget' },
  { group: 'rbac.authorization.k8s.io', kind: 'Role' },
  { group: 'rbac.authorization.k8s.io', kind: 'RoleBinding' },
  { group: 'cert-manager.io', kind: 'Certificate' },
  { group: 'cert-manager.io', kind: 'Issuer' },
];

/**
 * One Argo CD Application per required operator, pointing at the upstream Helm chart at its pinned
 * version with values from TypeScript, and the `operators` AppProject that allows exactly their
 * chart repositories and namespaces.
 */
export class OperatorApps extends Construct {
  constructor(scope: Construct, id: string, operators: OperatorRequirement[]) {
    super(scope, id);
    const platform = Platform.of(this);
    const labels = (name: string) => standardLabels({ name, app: GITOPS_PART_OF, component: 'operator' });

    new AppProject(this, 'AppProject', {
      metadata: { name: OPERATORS_PROJECT, labels: standardLabels({ name: OPERATORS_PROJECT, app: GITOPS_PART_OF, component: 'gitops' }) },
      spec: {
        description: `Operators installed from upstream Helm charts: ${operators.map(o => o.name).join(', ')}`,
        sourceRepos: [...new Set(operators.map(o => o.repoURL))].sort(),
        destinations: [...new Set(operators.map(o => o.namespace))].sort().map(namespace => ({ server: platform.destinationServer, namespace })),
        clusterResourceWhitelist: [{ group: '', kind: 'Namespace' }, ...OPERATOR_CLUSTER_KINDS],
        namespaceResourceWhitelist: OPERATOR_NAMESPACED_KINDS,
      },
    });

    for (const operator of operators) {
      new Application(this, operator.name, {
        metadata: {
          name: operator.name,
          labels: labels(operator.name),
          // Operators (and their CRDs) before the apps that use them.
          annotations: {
            'argocd.argoproj.io/sync-wave': String(operator.syncWave ?? 0),
            ...(operator.privilegedBecause ? { [PRIVILEGED_REASON_ANNOTATION]: operator.privilegedBecause } : {}),
          },
        },
        spec: {
          project: OPERATORS_PROJECT,
          source: {
            repoUrl: operator.repoURL,
            chart: operator.chart,
            targetRevision: operator.version,
            helm: { releaseName: operator.name, valuesObject: operator.values ?? {} },
          },
          destination: { server: platform.destinationServer, namespace: operator.namespace },
          syncPolicy: {
            automated: AUTOMATED_SYNC,
            retry: SYNC_RETRY,
            // CRDs such as CloudNativePG's exceed the client-side apply annotation limit.
            syncOptions: ['CreateNamespace=true', 'ServerSideApply=true'],
            managedNamespaceMetadata: operator.privilegedBecause ? { labels: PodSecurity.privileged(operator.privilegedBecause).namespaceLabels } : undefined,
          },
        },
      });
    }
  }
}
