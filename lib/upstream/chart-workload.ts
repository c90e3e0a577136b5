import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { fail } from '../errors';
import { ComponentIdentity, LABEL } from '../k8s/labels';
import { assertPort } from '../k8s/names';
import { Container, isWorkloadKind, podTemplateOf } from '../model';
import { AppChart } from '../platform/app-chart';
import { ConnectionTarget, ServiceEndpoint, connection, externalConnection } from '../platform/connections';
import { Platform } from '../platform/platform';
import type { Manifest } from '../model/manifest';

export interface ChartWorkloadOptions {
  /**
   * The port clients of this workload connect to, on its pods (what NetworkPolicies allow).
   * @default - its first container port
   */
  readonly port?: number;
}

/**
 * A workload rendered from YAML (a Helm chart's, a manifests folder's), as a party to declared
 * connections: `chart.workload('server').connectsTo(database)`, `web.connectsTo(chart.workload('api'))`.
 * Its namespace's NetworkPolicies let through exactly what is declared, as for constructs.
 */
export class RenderedWorkload extends Construct implements ConnectionTarget {
  public readonly identity: ComponentIdentity;
  public readonly kind: string;
  private readonly containerPorts: number[];
  private readonly chosenPort?: number;

  constructor(scope: Construct, id: string, manifest: Manifest, options: ChartWorkloadOptions = {}) {
    super(scope, id);
    const app = AppChart.of(this);
    this.kind = manifest.kind;
    this.identity = { name: manifest.metadata.name, app: app.appName, component: manifest.metadata.labels?.[LABEL.component] ?? manifest.kind.toLowerCase() };
    const containers: Container[] = podTemplateOf(manifest)?.spec?.containers ?? [];
    this.containerPorts = containers.flatMap(c => (c.ports ?? []).map(p => p.containerPort));
    if (options.port !== undefined) {
      assertPort(this, 'port', options.port);
      if (!this.containerPorts.includes(options.port)) fail(this, 'port', `${manifest.kind} ${manifest.metadata.name} has no container port ${options.port} (it has ${this.containerPorts.join(', ') || 'none'})`);
      this.chosenPort = options.port;
    }
  }

  public get name(): string {
    return this.identity.name;
  }

  /** The port its pods accept connections on. */
  public get port(): number {
    const port = this.chosenPort ?? this.containerPorts[0];
    if (port === undefined) fail(this, 'port', `${this.kind} ${this.name} declares no container port, so nothing can connect to it`);
    return port;
  }

  /** Declares that this workload's pods open connections to each target (a database, a cache, another service). */
  public connectsTo(...targets: ConnectionTarget[]): this {
    for (const target of targets) Platform.of(this).addConnection(connection(this, target), this);
    return this;
  }

  /** Declares that its pods open connections to a component of another app, named by its endpoint (`appEndpoint(app, workload, port)`). */
  public connectsToEndpoint(...endpoints: ServiceEndpoint[]): this {
    const from = { ...this.identity, namespace: AppChart.of(this).namespace };
    for (const e of endpoints) Platform.of(this).addConnection({ from, to: e.to, port: e.port }, this);
    return this;
  }

  /** Declares that its pods call out to the internet (HTTPS, 443 only); without it they cannot. */
  public connectsToInternet(reason: string): this {
    Platform.of(this).addExternalConnection(externalConnection(this, 'internet', reason), this);
    return this;
  }

  /** Declares that its pods read the Kubernetes API (a chart's operator, a controller); without it they cannot. */
  public connectsToKubernetesApi(reason: string): this {
    Platform.of(this).addExternalConnection(externalConnection(this, 'kubernetes-api', reason), this);
    return this;
  }
}

/** Labels charts name a workload's role with, which `workload(name)` also accepts. */
const ROLE_LABELS = ['app.kubernetes.io/component', 'app.kubernetes.io/controller'];

/**
 * The manifests of the workloads among `objects`: only those are serialized, as a chart's other
 * objects (Argo CD's install holds megabytes of CRD schema) are not read to find a workload.
 */
export function workloadManifests(objects: readonly ApiObject[]): { manifest: Manifest }[] {
  return objects.filter(o => isWorkloadKind(o.kind)).map(o => ({ manifest: o.toJson() as Manifest }));
}

/**
 * The workload named `name` among `objects`: by `metadata.name`, or else the one workload whose
 * component or controller label (`app.kubernetes.io/component: server`, app-template's
 * `app.kubernetes.io/controller: main`) is `name`; or a message listing the ones there are.
 */
export function findWorkload(objects: { manifest: Manifest }[], name: string): Manifest | string {
  const workloads = objects.map(o => o.manifest).filter(m => isWorkloadKind(m.kind));
  const byName = workloads.filter(m => m.metadata.name === name);
  const found = byName.length ? byName : workloads.filter(m => ROLE_LABELS.some(l => m.metadata.labels?.[l] === name));
  if (found.length === 1) return found[0];
  const list = workloads.map(m => `${m.kind} ${m.metadata.name}`).join(', ') || 'none';
  return found.length ? `has ${found.length} workloads named or labelled "${name}" (${found.map(m => `${m.kind} ${m.metadata.name}`).join(', ')}); name one by metadata.name` : `renders no workload named "${name}" (it renders: ${list})`;
}
