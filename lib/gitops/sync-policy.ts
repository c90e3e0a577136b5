/** Argo CD keeps the cluster equal to git: removes what git no longer has, undoes manual drift. */
export const AUTOMATED_SYNC = { prune: true, selfHeal: true } as const;

/** Retries of a failed sync (seed 000): 5 attempts, 5 s doubling up to 3 min. */
export const SYNC_RETRY = { limit: 5, backoff: { duration: '5s', factor: 2, maxDuration: '3m' } } as const;

/** Deletes an Application's resources when the Application is deleted (not set for data). */
export const RESOURCES_FINALIZER = 'resources-finalizer.argocd.argoproj.io';
