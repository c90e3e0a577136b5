/**
 * An operator the platform installs from its upstream Helm chart, through an Argo CD Application in
 * argocd/. Constructs that need one (a CloudNativePG Cluster, an ExternalSecret, a Certificate)
 * call `Platform.requireOperator`; the GitOps chart renders each required operator once.
 */
export interface OperatorRequirement {
  /** Name of the Argo CD Application and the Helm release, e.g. `cloudnative-pg`. */
  readonly name: string;
  /** Namespace the operator runs in, created by Argo CD. */
  readonly namespace: string;
  /** Helm repository URL, e.g. `https://cloudnative-pg.github.io/charts`. */
  readonly repoURL: string;
  /** Chart name in that repository. */
  readonly chart: string;
  /** Pinned chart version (never a range). */
  readonly version: string;
  /** What the chart installs, for reviewers (the operator version). */
  readonly description: string;
  /** Helm values, rendered into the Application. @default {} */
  readonly values?: Record<string, unknown>;
  /** Operators this one needs installed first (e.g. the Barman Cloud plugin needs cert-manager). @default [] */
  readonly requires?: OperatorRequirement[];
  /**
   * Argo CD sync wave of the Application: lower waves are synced first by the root Application.
   * @default 0
   */
  readonly syncWave?: number;
  /**
   * Why its pods need host access (a hostPath, the host network): its namespace then enforces Pod
   * Security "privileged", labelled by Argo CD, and reviewers read the reason in the Application.
   * @default - its namespace gets no Pod Security labels
   */
  readonly privilegedBecause?: string;
}
