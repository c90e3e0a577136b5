import { Construct, Node } from 'constructs';
import { PlatformError, fail } from '../errors';
import { LABEL, MANAGED_BY } from '../k8s/labels';
import { assertDnsLabel } from '../k8s/names';
import { PlatformChart } from './platform-chart';
import { PodSecurity } from './pod-security';

const APP_CHART = Symbol.for('platform.AppChart');

/**
 * The root app charts register with, which lists them: the `Platform`. Named by this interface so
 * that the platform, which holds its apps, and an app, which registers with it, import one way only.
 */
export interface AppRegistry extends Construct {
  /** @internal called by AppChart's constructor */
  _register(chart: AppChart): void;
}

export interface AppChartProps {
  /** The layer the app belongs to; one Argo CD ApplicationSet and AppProject per category. */
  readonly category: string;
  /** The app's name: its folder `dist/<category>/<name>`, its Argo CD Application. @default the construct id */
  readonly name?: string;
  /** The namespace all its objects live in, created by Argo CD. @default the app name */
  readonly namespace?: string;
  /**
   * The Pod Security level its namespace enforces.
   * @default PodSecurity.RESTRICTED
   */
  readonly podSecurity?: PodSecurity;
  /**
   * Whether the app installs cluster-wide objects (CRDs, cluster RBAC, admission webhooks): only
   * the apps of the system layer (`SystemChart`: Argo CD and the operators) do.
   * @default false
   */
  readonly clusterScope?: boolean;
}

/**
 * One deployable app: a folder `dist/<category>/<app>/` that Argo CD syncs into one namespace.
 * Every object in it carries `app.kubernetes.io/part-of: <app>` and the managed-by label.
 */
export class AppChart extends PlatformChart {
  declare public readonly namespace: string;
  public readonly category: string;
  public readonly appName: string;
  public readonly podSecurity: PodSecurity;
  public readonly clusterScope: boolean;
  public readonly outputDir: string;

  constructor(scope: AppRegistry, id: string, props: AppChartProps) {
    const name = props.name ?? id;
    super(scope, id, {
      namespace: props.namespace ?? name,
      labels: { [LABEL.partOf]: name, [LABEL.managedBy]: MANAGED_BY },
    });
    this.appName = assertDnsLabel(this, 'name', name);
    this.category = assertDnsLabel(this, 'category', props.category);
    assertDnsLabel(this, 'namespace', this.namespace);
    this.podSecurity = props.podSecurity ?? PodSecurity.RESTRICTED;
    if (this.podSecurity.level !== 'restricted' && !this.podSecurity.reason) fail(this, 'podSecurity', `a Pod Security level below "restricted" needs a reason: PodSecurity.${this.podSecurity.level}('<why>')`);
    this.clusterScope = props.clusterScope ?? false;
    this.outputDir = `dist/${this.category}/${this.appName}`;
    Object.defineProperty(this, APP_CHART, { value: true });
    scope._register(this);
  }

  public get description(): string {
    return `app ${this.appName}`;
  }

  /** Chart overrides `instanceof` to match every chart, so app charts are recognised by a flag. */
  public static isAppChart(x: unknown): x is AppChart {
    return typeof x === 'object' && x !== null && (x as { [APP_CHART]?: boolean })[APP_CHART] === true;
  }

  /** The app chart a construct belongs to. */
  public static of(construct: { readonly node: Node }): AppChart {
    for (let scope: { readonly node: Node } | undefined = construct; scope; scope = scope.node.scope) {
      if (AppChart.isAppChart(scope)) return scope;
    }
    throw new PlatformError(`${construct.node.path}: is not inside an AppChart`);
  }
}
