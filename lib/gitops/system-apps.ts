import { Construct } from 'constructs';
import { Application } from '../../imports/argocd-application-argoproj.io';
import { AppProject } from '../../imports/argocd-appproject-argoproj.io';
import { standardLabels } from '../k8s/labels';
import { Platform } from '../platform/platform';
import { PodSecurity } from '../platform/pod-security';
import { SystemChart } from '../platform/system-chart';
import { Category } from './categories';
import { GITOPS_PART_OF } from './root-application';
import { SYNC_WAVE, SyncWaves } from './sync-waves';
import { AUTOMATED_SYNC, SYNC_RETRY } from './sync-policy';

/** Why a system app's namespace enforces less than "restricted", on its Application. */
const POD_SECURITY_REASON_ANNOTATION = 'platform.homelab/pod-security-reason';

/**
 * The AppProject of the system layer, the only one allowed CRDs, cluster RBAC and webhooks (each
 * by name), and one Application per system app, in the sync wave `waves` gives it. No finalizer:
 * deleting the Application of Argo CD or of an operator must not delete it, let alone its CRDs.
 */
export class SystemApps extends Construct {
  constructor(scope: Construct, id: string, category: Category, waves: SyncWaves) {
    super(scope, id);
    const platform = Platform.of(this);
    const wave = (n: number) => ({ [SYNC_WAVE]: String(n) });

    new AppProject(this, 'AppProject', {
      metadata: {
        name: category.name,
        labels: standardLabels({ name: category.name, app: GITOPS_PART_OF, component: 'gitops' }),
        annotations: wave(waves.projects),
      },
      spec: {
        description: `Argo CD and the operators: ${category.apps.map(a => a.appName).join(', ')}`,
        sourceRepos: [platform.repoURL],
        destinations: category.namespaces.map(namespace => ({ server: platform.destinationServer, namespace })),
        clusterResourceWhitelist: category.clusterResources,
        namespaceResourceWhitelist: category.namespacedKinds,
      },
    });

    for (const app of category.apps.filter(SystemChart.isSystemChart)) {
      const reason = app.podSecurity === PodSecurity.RESTRICTED ? undefined : app.podSecurity.reason;
      new Application(this, app.appName, {
        metadata: {
          name: app.appName,
          labels: standardLabels({ name: app.appName, app: GITOPS_PART_OF, component: 'system' }),
          annotations: { ...wave(waves.system.get(app) ?? 0), ...(reason ? { [POD_SECURITY_REASON_ANNOTATION]: reason } : {}) },
        },
        spec: {
          project: category.name,
          source: { repoUrl: platform.repoURL, targetRevision: platform.targetRevision, path: app.outputDir },
          destination: { server: platform.destinationServer, namespace: app.namespace },
          syncPolicy: {
            automated: AUTOMATED_SYNC,
            retry: SYNC_RETRY,
            // CRDs such as CloudNativePG's exceed the client-side apply annotation limit.
            syncOptions: ['CreateNamespace=true', 'ServerSideApply=true'],
            managedNamespaceMetadata: { labels: app.podSecurity.namespaceLabels },
          },
        },
      });
    }
  }
}
