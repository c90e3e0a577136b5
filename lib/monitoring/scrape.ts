/**
 * How Prometheus finds metrics: the one mechanism every chart uses. A pod opts in with these
 * annotations; the monitoring stack's Kubernetes service discovery keeps only annotated pods and
 * reads the port and path from them. A Service may carry the same annotations for pods a chart
 * does not template itself (an operator's); its endpoints are then scraped, unless the pods are
 * annotated too.
 */
export const SCRAPE_ANNOTATION = {
  scrape: 'prometheus.io/scrape',
  port: 'prometheus.io/port',
  path: 'prometheus.io/path',
} as const;

/** A metrics endpoint of a pod. */
export interface MetricsEndpoint {
  /** Container port serving the metrics. */
  readonly port: number;
  /** @default '/metrics' */
  readonly path?: string;
}

/** The pod annotations that make Prometheus scrape `endpoint`. */
export function scrapeAnnotations(endpoint: MetricsEndpoint): Record<string, string> {
  return {
    [SCRAPE_ANNOTATION.scrape]: 'true',
    [SCRAPE_ANNOTATION.port]: String(endpoint.port),
    [SCRAPE_ANNOTATION.path]: endpoint.path ?? '/metrics',
  };
}
