import { AppChart } from './app-chart';
import { Platform } from './platform';
import { PodSecurity } from './pod-security';

/** The layer of Argo CD and the operators: the apps every other app needs before it can sync. */
export const SYSTEM_CATEGORY = 'system';

export interface SystemChartProps {
  /** The app's name: its folder `dist/system/<name>` and its Argo CD Application. @default the construct id */
  readonly name?: string;
  /** The namespace it runs in. @default the app name */
  readonly namespace?: string;
  /** @default PodSecurity.RESTRICTED */
  readonly podSecurity?: PodSecurity;
  /**
   * The system apps that must be synced and healthy before this one (cert-manager before a chart
   * that issues its certificates). Argo CD is before every other.
   * @default []
   */
  readonly after?: SystemChart[];
}

/**
 * An app of the system layer: Argo CD or an operator, rendered into `dist/system/<name>` like any
 * app, but allowed what only that layer may install (CRDs, cluster-wide RBAC, admission webhooks),
 * and synced by its own Application in argocd/, one sync wave after what it needs and before every
 * ApplicationSet, so that no app meets a missing CRD or webhook.
 */
export class SystemChart extends AppChart {
  /** What must be synced before it; sync waves follow this order. */
  protected readonly waitsFor: SystemChart[];

  constructor(platform: Platform, id: string, props: SystemChartProps = {}) {
    super(platform, id, { ...props, category: SYSTEM_CATEGORY, clusterScope: true });
    this.waitsFor = [...(props.after ?? [])];
  }

  /** What must be synced before it. */
  public get after(): SystemChart[] {
    return [...this.waitsFor];
  }

  /** The longest chain of system apps this one waits for (0 when it waits for none). */
  public get depth(): number {
    return this.waitsFor.reduce((max, dependency) => Math.max(max, dependency.depth + 1), 0);
  }

  public static isSystemChart(x: unknown): x is SystemChart {
    return AppChart.isAppChart(x) && x.clusterScope && x.category === SYSTEM_CATEGORY;
  }
}
