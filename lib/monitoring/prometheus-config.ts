import { Duration } from 'cdk8s';
import { stringify } from 'yaml';
import { promDuration } from './alerts';
import { SCRAPE_ANNOTATION } from './scrape';

/** The label Kubernetes service discovery gives a pod annotation: non-alphanumerics become `_`. */
export function podAnnotationMetaLabel(annotation: string): string {
  return `__meta_kubernetes_pod_annotation_${annotation.replace(/[^a-zA-Z0-9_]/g, '_')}`;
}

/** The label Kubernetes service discovery gives a Service annotation. */
export function serviceAnnotationMetaLabel(annotation: string): string {
  return `__meta_kubernetes_service_annotation_${annotation.replace(/[^a-zA-Z0-9_]/g, '_')}`;
}

function podLabelMetaLabel(label: string): string {
  return `__meta_kubernetes_pod_label_${label.replace(/[^a-zA-Z0-9_]/g, '_')}`;
}

export interface PrometheusConfigProps {
  /** @default 15 s (seed 002) */
  readonly scrapeInterval: Duration;
  readonly evaluationInterval: Duration;
  /** `host:port` of Alertmanager. */
  readonly alertmanager: string;
  /** Folder the rule files are mounted in. */
  readonly rulesDir: string;
  /** Public URLs the blackbox exporter probes. */
  readonly probeUrls: string[];
  /** `host:port` of the blackbox exporter. */
  readonly blackboxExporter: string;
  readonly probeJob: string;
  readonly probeInterval: Duration;
  readonly probeModule: string;
  /** The kube-state-metrics pods, scraped in a job of their own that keeps their labels. */
  readonly kubeStateMetrics: KubeStateMetricsPods;
}

/** Where kube-state-metrics runs: its namespace and its pods' `app.kubernetes.io/name`. */
export interface KubeStateMetricsPods {
  readonly namespace: string;
  readonly name: string;
}

/** The scrape job name of annotated pods. */
export const PODS_JOB = 'kubernetes-pods';
/** The scrape job name of the endpoints of annotated Services. */
export const SERVICES_JOB = 'kubernetes-services';
/** The scrape job name of kube-state-metrics. */
export const KUBE_STATE_METRICS_JOB = 'kube-state-metrics';

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * prometheus.yml. One discovery mechanism: Kubernetes pods that carry the annotations of
 * `scrapeAnnotations()` are scraped on the port and path they name; so are the endpoints of a
 * Service carrying them (for pods a chart does not template itself, e.g. an operator's), unless
 * the pod is annotated too, so nothing is scraped twice. Every series gets the labels
 * `namespace`, `pod`, `node`, `app` (app.kubernetes.io/part-of) and `service`
 * (app.kubernetes.io/name, or the CloudNativePG cluster name); Alloy gives log streams the same
 * labels, so Grafana can go from a metric to the logs of the same pod.
 *
 * kube-state-metrics has a job of its own with `honor_labels`: its series name the object they
 * describe in `namespace`, `pod` and `container`, which must win over the target's (the generic job
 * would rename them `exported_*`). Only the pods of its namespace with its name get there, so no
 * other pod's annotations can claim honor_labels. Its target carries just `namespace` and
 * `service`, for `up`: a `pod` or `node` label of the exporter would be pinned on every object
 * series that has none of its own.
 */
export function renderPrometheusConfig(p: PrometheusConfigProps): string {
  const scrape = podAnnotationMetaLabel(SCRAPE_ANNOTATION.scrape);
  const port = podAnnotationMetaLabel(SCRAPE_ANNOTATION.port);
  const path = podAnnotationMetaLabel(SCRAPE_ANNOTATION.path);
  const podName = podLabelMetaLabel('app.kubernetes.io/name');
  const ksm = { source_labels: ['__meta_kubernetes_namespace', podName], regex: `${escapeRegex(p.kubeStateMetrics.namespace)};${escapeRegex(p.kubeStateMetrics.name)}` };
  // The annotated port and path of a running pod.
  const podTarget = [
    { source_labels: [scrape], regex: 'true', action: 'keep' },
    { source_labels: ['__meta_kubernetes_pod_phase'], regex: 'Pending|Succeeded|Failed', action: 'drop' },
    { source_labels: [path], regex: '(.+)', target_label: '__metrics_path__' },
    // One target per pod: the pod IP and the annotated port (one target per declared port otherwise).
    { source_labels: ['__meta_kubernetes_pod_ip', port], regex: '(.+);(\\d+)', replacement: '$1:$2', target_label: '__address__' },
  ];
  const config = {
    global: {
      scrape_interval: promDuration(p.scrapeInterval),
      evaluation_interval: promDuration(p.evaluationInterval),
    },
    alerting: { alertmanagers: [{ static_configs: [{ targets: [p.alertmanager] }] }] },
    rule_files: [`${p.rulesDir}/*.yml`],
    scrape_configs: [
      {
        job_name: PODS_JOB,
        kubernetes_sd_configs: [{ role: 'pod' }],
        relabel_configs: [
          ...podTarget,
          { ...ksm, action: 'drop' },
          { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
          { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
          { source_labels: ['__meta_kubernetes_pod_node_name'], target_label: 'node' },
          { source_labels: [podLabelMetaLabel('app.kubernetes.io/part-of')], target_label: 'app' },
          { source_labels: [podLabelMetaLabel('cnpg.io/cluster')], regex: '(.+)', target_label: 'service' },
          { source_labels: [podName], regex: '(.+)', target_label: 'service' },
        ],
      },
      {
        job_name: KUBE_STATE_METRICS_JOB,
        honor_labels: true,
        kubernetes_sd_configs: [{ role: 'pod' }],
        relabel_configs: [
          { ...ksm, action: 'keep' },
          ...podTarget,
          { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
          { source_labels: [podName], target_label: 'service' },
        ],
      },
      {
        job_name: SERVICES_JOB,
        kubernetes_sd_configs: [{ role: 'endpointslice' }],
        relabel_configs: [
          { source_labels: [serviceAnnotationMetaLabel(SCRAPE_ANNOTATION.scrape)], regex: 'true', action: 'keep' },
          // Annotated pods are scraped by the pods job already.
          { source_labels: [scrape], regex: 'true', action: 'drop' },
          { source_labels: [serviceAnnotationMetaLabel(SCRAPE_ANNOTATION.path)], regex: '(.+)', target_label: '__metrics_path__' },
          { source_labels: ['__address__', serviceAnnotationMetaLabel(SCRAPE_ANNOTATION.port)], regex: '(.+?)(?::\\d+)?;(\\d+)', replacement: '$1:$2', target_label: '__address__' },
          { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
          { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
          { source_labels: ['__meta_kubernetes_pod_node_name'], target_label: 'node' },
          { source_labels: ['__meta_kubernetes_service_name'], target_label: 'service' },
        ],
      },
      ...(p.probeUrls.length ? [{
        job_name: p.probeJob,
        scrape_interval: promDuration(p.probeInterval),
        metrics_path: '/probe',
        params: { module: [p.probeModule] },
        static_configs: [{ targets: p.probeUrls }],
        relabel_configs: [
          { source_labels: ['__address__'], target_label: '__param_target' },
          { source_labels: ['__param_target'], target_label: 'instance' },
          { target_label: '__address__', replacement: p.blackboxExporter },
        ],
      }] : []),
    ],
  };
  // The jobs share rule objects; YAML anchors would make the file harder to read.
  return stringify(config, { lineWidth: 0, aliasDuplicateObjects: false });
}
