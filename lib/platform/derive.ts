/**
 * The phases of `Platform.derive`, in the order they run. Each reads what the phases before it
 * added, so a derivation only ever depends on earlier phases, never on the order of charts:
 * - `entry-points`: the tunnel's rules, the Gateways and their certificates (from the routes);
 * - `monitoring`: rules, dashboards, probes and the stack's own connections;
 * - `namespaces`: NetworkPolicies, ResourceQuotas and LimitRanges (from every rendered workload);
 * - `gitops`: argocd/ (from every app and every operator required above).
 */
export const DERIVE_PHASES = ['entry-points', 'monitoring', 'namespaces', 'gitops'] as const;

export type DerivePhase = typeof DERIVE_PHASES[number];

/** One registered derivation. */
export interface Derivation {
  /** Path of the construct that registered it; orders derivations within a phase. */
  readonly path: string;
  readonly phase: DerivePhase;
  readonly derive: () => void;
}
