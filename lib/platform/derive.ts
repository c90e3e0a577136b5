/**
 * The phases of `Platform.derive`, in the order they run. Each reads what the phases before it
 * added, so a derivation only ever depends on earlier phases, never on the order of charts:
 * - `entry-points`: the tunnel's rules, the Gateways and their certificates (from the routes);
 * - `monitoring`: rules, dashboards, probes and the stack's own connections;
 * - `operators`: an app of the `system` layer for every operator required above (the last moment
 *   one may be required, and the only one at which an app chart may be added);
 * - `namespaces`: NetworkPolicies, ResourceQuotas and LimitRanges (from every rendered workload);
 * - `gitops`: argocd/ (from every app and every operator required above).
 */
export const DERIVE_PHASES = ['entry-points', 'monitoring', 'operators', 'namespaces', 'gitops'] as const;

export type DerivePhase = typeof DERIVE_PHASES[number];

/** One registered derivation. */
export interface Derivation {
  /** Path of the construct that registered it; orders derivations within a phase. */
  readonly path: string;
  readonly phase: DerivePhase;
  readonly derive: () => void;
}
