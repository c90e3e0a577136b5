import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { resolveProps } from '../config';
import { stringify } from 'yaml';
import { IMAGES } from '../images';
import { ComponentIdentity, standardLabels } from '../k8s/labels';
import { Probe } from '../k8s/probe';
import { Volume } from '../k8s/volume';
import { AppChart } from '../platform/app-chart';
import { ResourcesProps } from '../workloads/resources';
import { promDuration } from './alerts';
import { MonitoringWorkload } from './workload';

/**
 * Where one receiver sends notifications. The URL is read from a key of the webhooks Secret,
 * mounted as a file (`webhook_url_file` / `url_file`), so it is never written to git.
 */
export interface Notifier {
  /**
   * `discord`: a Discord channel webhook (seed 002). `webhook`: Alertmanager's generic JSON
   * webhook, e.g. a Gotify bridge (seed 004) or ntfy.
   */
  readonly type: 'discord' | 'webhook';
  /** Key of the webhooks Secret holding the URL. */
  readonly secretKey: string;
}

/** Every default of `Alertmanager`; its props' `@default`s name these values (seed 002's timings, seed 004's hourly warnings). */
export const ALERTMANAGER_DEFAULTS = {
  image: IMAGES.alertmanager,
  groupWait: Duration.seconds(10),
  groupInterval: Duration.minutes(5),
  repeatInterval: Duration.hours(1),
  /** Seed 004 batches warnings into hourly summaries: one group of every warning, sent at most hourly. */
  warnings: { groupWait: Duration.minutes(30), groupInterval: Duration.hours(1) },
  resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } } as ResourcesProps,
};

/** How warnings are batched: one group holding every firing warning, one summary per interval. */
export interface WarningBatching {
  /** How long a new summary waits for more warnings before it is sent. @default ALERTMANAGER_DEFAULTS.warnings.groupWait (30 min) */
  readonly groupWait?: Duration;
  /** How often a summary with new or resolved warnings is sent. @default ALERTMANAGER_DEFAULTS.warnings.groupInterval (1 h, seed 004) */
  readonly groupInterval?: Duration;
}

export interface AlertmanagerRouting {
  /** Everything not critical: warnings in hourly summaries, anything else as it comes. */
  readonly default: Notifier;
  /** Alerts with `severity="critical"`, sent at once (after `groupWait`). */
  readonly critical: Notifier;
  /** @default ALERTMANAGER_DEFAULTS.warnings (30 min wait, hourly summaries; seed 004) */
  readonly warnings?: WarningBatching;
  /** @default ALERTMANAGER_DEFAULTS.groupWait (10 s, seed 002) */
  readonly groupWait?: Duration;
  /** @default ALERTMANAGER_DEFAULTS.groupInterval (5 m) */
  readonly groupInterval?: Duration;
  /** @default ALERTMANAGER_DEFAULTS.repeatInterval (1 h, seed 002) */
  readonly repeatInterval?: Duration;
  /**
   * Pairs of alert names where the first, while firing, holds back the second on the same
   * namespace and service (a critical variant and its warning), from the rules' `supersedes`.
   * @default - none
   */
  readonly supersedes?: [critical: string, warning: string][];
}

/** Folder the webhooks Secret is mounted at. */
export const SECRETS_DIR = '/etc/alertmanager/secrets';
export const ALERTMANAGER_PORT = 9093;

/** Receiver names, as routes and `amtool config routes test` print them. */
export const RECEIVER = { default: 'default', critical: 'critical' } as const;

function receiver(name: string, n: Notifier): Record<string, unknown> {
  const file = `${SECRETS_DIR}/${n.secretKey}`;
  return n.type === 'discord'
    ? { name, discord_configs: [{ webhook_url_file: file, send_resolved: true }] }
    : { name, webhook_configs: [{ url_file: file, send_resolved: true }] };
}

/**
 * alertmanager.yml: critical alerts to the critical receiver at once (grouped per alert and
 * service); warnings to the default receiver in one group, as a summary at most every
 * `warnings.groupInterval` (seed 004's hourly batches); anything else to the default receiver as
 * it comes. A firing critical silences the warnings and infos of the same alert on the same
 * service, and the critical variant of an alert silences its warning variant.
 */
export function renderAlertmanagerConfig(routing: AlertmanagerRouting): string {
  const r = resolveProps(ALERTMANAGER_DEFAULTS, routing);
  // A partial `warnings` keeps the default of the timing it leaves out.
  const warnings = resolveProps(ALERTMANAGER_DEFAULTS.warnings, r.warnings);
  return stringify({
    route: {
      receiver: RECEIVER.default,
      group_by: ['alertname', 'namespace', 'service'],
      group_wait: promDuration(r.groupWait),
      group_interval: promDuration(r.groupInterval),
      repeat_interval: promDuration(r.repeatInterval),
      routes: [
        { receiver: RECEIVER.critical, matchers: ['severity="critical"'] },
        {
          receiver: RECEIVER.default,
          matchers: ['severity="warning"'],
          // One group for every warning: each notification is a summary of all that fire.
          group_by: ['severity'],
          group_wait: promDuration(warnings.groupWait),
          group_interval: promDuration(warnings.groupInterval),
        },
      ],
    },
    inhibit_rules: [
      {
        source_matchers: ['severity="critical"'],
        target_matchers: ['severity=~"warning|info"'],
        equal: ['alertname', 'namespace', 'service'],
      },
      ...[...new Map((r.supersedes ?? []).map(p => [p.join('>'), p])).values()].sort().map(([critical, warning]) => ({
        source_matchers: [`alertname="${critical}"`],
        target_matchers: [`alertname="${warning}"`],
        equal: ['namespace', 'service'],
      })),
    ],
    receivers: [receiver(RECEIVER.default, r.default), receiver(RECEIVER.critical, r.critical)],
  }, { lineWidth: 0 });
}

export interface AlertmanagerProps {
  readonly routing: AlertmanagerRouting;
  /** Pre-created Secret with the webhook URLs, one key per notifier; never written to git. */
  readonly webhooksSecret: string;
  /** @default ALERTMANAGER_DEFAULTS.image (IMAGES.alertmanager) */
  readonly image?: string;
  /** @default ALERTMANAGER_DEFAULTS.resources (requests 50m / 64Mi, limits 200m / 128Mi) */
  readonly resources?: ResourcesProps;
}

/** Alertmanager, one replica (silences and notification state live in memory and an emptyDir). */
export class Alertmanager extends Construct {
  public readonly identity: ComponentIdentity;
  public readonly port = ALERTMANAGER_PORT;
  public readonly config: string;
  public readonly workload: MonitoringWorkload;

  constructor(scope: Construct, id: string, props: AlertmanagerProps) {
    super(scope, id);
    const p = resolveProps(ALERTMANAGER_DEFAULTS, props);
    const identity = { name: 'alertmanager', app: AppChart.of(this).appName, component: 'alerting' };
    this.identity = identity;
    this.config = renderAlertmanagerConfig(p.routing);
    new k8s.KubeConfigMap(this, 'ConfigMap', { metadata: { name: 'alertmanager-config', labels: standardLabels(identity) }, data: { 'alertmanager.yml': this.config } });
    const health = Probe.http('/-/ready', { period: Duration.seconds(10) });
    this.workload = new MonitoringWorkload(this, 'Workload', {
      identity,
      runAs: { user: 65534, group: 65534 },
      metrics: { port: ALERTMANAGER_PORT },
      configFiles: { 'alertmanager.yml': this.config },
      servicePorts: [{ name: 'http', port: ALERTMANAGER_PORT }],
      containers: [{
        name: 'alertmanager',
        image: p.image,
        args: [
          '--config.file=/etc/alertmanager/alertmanager.yml',
          '--storage.path=/alertmanager',
          `--web.listen-address=:${ALERTMANAGER_PORT}`,
          // A single replica: no gossip port.
          '--cluster.listen-address=',
        ],
        ports: [{ name: 'http', port: ALERTMANAGER_PORT }],
        mounts: [
          { volume: Volume.configMap('config', 'alertmanager-config'), path: '/etc/alertmanager/alertmanager.yml', subPath: 'alertmanager.yml', readOnly: true },
          { volume: Volume.secret('webhooks', p.webhooksSecret), path: SECRETS_DIR, readOnly: true },
          { volume: Volume.emptyDir('data'), path: '/alertmanager' },
        ],
        resources: p.resources,
        readiness: health,
        liveness: Probe.http('/-/healthy', { initialDelay: Duration.seconds(10), period: Duration.seconds(20), failureThreshold: 5 }),
      }],
    });
  }

  /** Its `host:port` inside its own namespace, for Prometheus. */
  public get address(): string {
    return `${this.identity.name}:${this.port}`;
  }
}
