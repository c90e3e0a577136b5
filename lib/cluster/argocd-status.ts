import { ArgoApplication, ArgoApplicationSet, ArgoResourceStatus } from '../model/argocd';
import { KubeClient, KubeList } from './client';

/** One resource of an Application, as Argo CD reports it. */
export interface AppResource {
  readonly group: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly sync: string;
  readonly health?: string;
  readonly healthMessage?: string;
}

/** What Argo CD reports of one Application. */
export interface AppStatus {
  readonly name: string;
  readonly project: string;
  readonly path?: string;
  readonly destination: string;
  readonly sync: string;
  readonly health: string;
  /** Error and warning conditions (ComparisonError, SyncError, InvalidSpecError...). */
  readonly conditions: string[];
  /** The last sync operation's phase and message. */
  readonly operation?: { readonly phase: string; readonly message: string };
  /** Objects the last sync failed to apply, with the API server's message. */
  readonly failed: string[];
  readonly resources: AppResource[];
  readonly object: ArgoApplication;
}

/** What Argo CD reports of one ApplicationSet: its error conditions. */
export interface AppSetStatus {
  readonly name: string;
  readonly errors: string[];
}

const ERROR_CONDITIONS = /Error$|Warning$/;

export function appStatus(app: ArgoApplication): AppStatus {
  const status = app.status ?? {};
  const op = status.operationState;
  return {
    name: app.metadata.name,
    project: app.spec?.project ?? '',
    path: app.spec?.source?.path,
    destination: app.spec?.destination?.namespace ?? '',
    sync: status.sync?.status ?? 'Unknown',
    health: status.health?.status ?? 'Unknown',
    conditions: (status.conditions ?? []).filter(c => ERROR_CONDITIONS.test(c.type)).map(c => `${c.type}: ${c.message}`),
    operation: op ? { phase: op.phase, message: op.message ?? '' } : undefined,
    failed: (op?.syncResult?.resources ?? []).filter(r => r.status === 'SyncFailed' || r.hookPhase === 'Failed' || r.hookPhase === 'Error')
      .map(r => `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}: ${r.message}`),
    resources: (status.resources ?? []).map((r: ArgoResourceStatus) => ({
      group: r.group ?? '', kind: r.kind, namespace: r.namespace, name: r.name, sync: r.status ?? 'Unknown', health: r.health?.status, healthMessage: r.health?.message,
    })),
    object: app,
  };
}

export async function listApplications(client: KubeClient, namespace: string): Promise<AppStatus[]> {
  const list = await client.get<KubeList<ArgoApplication>>(`/apis/argoproj.io/v1alpha1/namespaces/${namespace}/applications`);
  return list.items.map(appStatus).sort((a, b) => a.name.localeCompare(b.name));
}

export async function listApplicationSets(client: KubeClient, namespace: string): Promise<AppSetStatus[]> {
  const list = await client.get<KubeList<ArgoApplicationSet>>(`/apis/argoproj.io/v1alpha1/namespaces/${namespace}/applicationsets`);
  return list.items.map(s => ({
    name: s.metadata.name,
    errors: (s.status?.conditions ?? []).filter(c => c.type === 'ErrorOccurred' && c.status === 'True').map(c => c.message ?? ''),
  }));
}

/** Asks Argo CD to compare an Application with git again now, instead of at its next poll. */
export function refresh(client: KubeClient, namespace: string, name: string, hard = false) {
  return client.request('PATCH', `/apis/argoproj.io/v1alpha1/namespaces/${namespace}/applications/${name}`,
    { metadata: { annotations: { 'argocd.argoproj.io/refresh': hard ? 'hard' : 'normal' } } }, 'application/merge-patch+json');
}

/** Asks the ApplicationSet controller to read git again now. */
export function refreshApplicationSet(client: KubeClient, namespace: string, name: string) {
  return client.request('PATCH', `/apis/argoproj.io/v1alpha1/namespaces/${namespace}/applicationsets/${name}`,
    { metadata: { annotations: { 'argocd.argoproj.io/application-set-refresh': 'true' } } }, 'application/merge-patch+json');
}
