import type { RuleId } from '../rules/rules';
import type { ChartWorkloadOptions, RenderedWorkload } from '../upstream/chart-workload';
import type { ManifestPatches } from '../upstream/manifest-patches';

/**
 * An operator the platform installs from its upstream Helm chart, vendored in vendor/charts/ and
 * rendered at synth time into `dist/system/<name>` (an `OperatorChart`), which its own Argo CD
 * Application syncs before any app. Constructs that need one (a CloudNativePG Cluster, an
 * ExternalSecret, a Certificate) call `Platform.requireOperator`; each is installed once.
 */
export interface OperatorRequirement {
  /** Name of its app (`dist/system/<name>`), Argo CD Application and Helm release, e.g. `cloudnative-pg`. */
  readonly name: string;
  /** Namespace the operator runs in, created by Argo CD. */
  readonly namespace: string;
  /** Helm repository URL the chart is published in, e.g. `https://cloudnative-pg.github.io/charts` (`npm run charts:pull` pulls from it). */
  readonly repoURL: string;
  /** Chart name in that repository. */
  readonly chart: string;
  /** Pinned chart version (never a range). */
  readonly version: string;
  /** What the chart installs, for reviewers (the operator version). */
  readonly description: string;
  /** Helm values. @default {} */
  readonly values?: Record<string, unknown>;
  /** What the platform changes in the rendered objects that the values cannot. @default {} */
  readonly patches?: ManifestPatches;
  /** Operators this one needs synced first (e.g. the Barman Cloud plugin needs cert-manager). @default [] */
  readonly requires?: OperatorRequirement[];
  /**
   * Why its pods need host access (a hostPath, the host network): its namespace then enforces Pod
   * Security "privileged", labelled by Argo CD, and reviewers read the reason in the Application.
   * @default - its namespace enforces "restricted"
   */
  readonly privilegedBecause?: string;
  /**
   * Declares what its rendered workloads connect to (the API server, the internet, the pods it
   * manages) and exempts what must break a rule, with the reason: the NetworkPolicies of its
   * namespace let through exactly that.
   * @default - its workloads connect to nothing
   */
  readonly wire?: (operator: InstalledOperator) => void;
}

/** What `wire` may do with an installed operator's rendered objects (an OperatorChart does it). */
export interface InstalledOperator {
  /**
   * Exempts the rendered object `kind name` from validation rules, with the reason reviewers read
   * in its YAML: for what an upstream chart does that its values cannot change.
   */
  exempt(kind: string, name: string, rules: RuleId[], reason: string): void;
  /** A workload of the charts, by name or role label, to declare its connections. */
  workload(name: string, options?: ChartWorkloadOptions): RenderedWorkload;
}
