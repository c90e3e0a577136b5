import { Construct } from 'constructs';
import { Application } from '../../imports/argocd-application-argoproj.io';
import { AppProject } from '../../imports/argocd-appproject-argoproj.io';
import { standardLabels } from '../k8s/labels';
import { Platform } from '../platform/platform';
import { SYNC_WAVE, SyncWaves } from './sync-waves';
import { AUTOMATED_SYNC, SYNC_RETRY } from './sync-policy';

export const ROOT_NAME = 'root';
export const GITOPS_PART_OF = 'platform';

/** Kinds the root application may create: only Argo CD's own. */
const ARGO_KINDS = ['AppProject', 'Application', 'ApplicationSet'];

/**
 * The app of apps: an Application that syncs `argocd/` itself, and the AppProject it lives in,
 * which allows nothing but Argo CD objects in Argo CD's namespace. Applied once by `npm run
 * bootstrap`; from then on every change to argocd/ arrives through git.
 */
export class RootApplication extends Construct {
  constructor(scope: Construct, id: string, waves: SyncWaves) {
    super(scope, id);
    const platform = Platform.of(this);
    const metadata = { name: ROOT_NAME, labels: standardLabels({ name: ROOT_NAME, app: GITOPS_PART_OF, component: 'gitops' }) };

    new AppProject(this, 'AppProject', {
      metadata: { ...metadata, annotations: { [SYNC_WAVE]: String(waves.projects) } },
      spec: {
        description: 'The root application: manages argocd/ and nothing else',
        sourceRepos: [platform.repoURL],
        destinations: [{ server: platform.destinationServer, namespace: platform.argocdNamespace }],
        clusterResourceWhitelist: [],
        namespaceResourceWhitelist: ARGO_KINDS.map(kind => ({ group: 'argoproj.io', kind })),
      },
    });

    new Application(this, 'Application', {
      metadata,
      spec: {
        project: ROOT_NAME,
        source: { repoUrl: platform.repoURL, targetRevision: platform.targetRevision, path: 'argocd' },
        destination: { server: platform.destinationServer, namespace: platform.argocdNamespace },
        syncPolicy: { automated: AUTOMATED_SYNC, retry: SYNC_RETRY },
      },
    });
  }
}
