import type { SystemChart } from '../platform/system-chart';

/** The annotation that orders what one Application syncs. */
export const SYNC_WAVE = 'argocd.argoproj.io/sync-wave';

/** The sync waves of argocd/, which the root Application syncs wave by wave. */
export interface SyncWaves {
  /** Of every AppProject. */
  readonly projects: number;
  /** Of each system app's Application. */
  readonly system: Map<SystemChart, number>;
  /** Of the ApplicationSets: the last wave. */
  readonly applicationSets: number;
}

/**
 * The root Application applies argocd/ one wave at a time, and starts a wave only once every
 * resource of the waves before it is healthy (an Application by the health check argocd-cm gives
 * it). So: the AppProjects first, since Argo CD will not generate an Application into a project
 * that does not exist yet (it waited 180 s to retry); then Argo CD's own Application, then each
 * operator one wave after the operators it needs; the ApplicationSets last, once every CRD and
 * webhook their apps use is served.
 */
export function syncWaves(system: SystemChart[], argocd: SystemChart | undefined): SyncWaves {
  const layer = (app: SystemChart) => (app === argocd ? 0 : 1 + app.depth);
  const last = Math.max(-1, ...system.map(layer));
  return {
    projects: -last - 2,
    system: new Map(system.map(app => [app, layer(app) - last - 1])),
    applicationSets: 0,
  };
}
