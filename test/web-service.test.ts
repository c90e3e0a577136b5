import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { render } from '../lib/synth/render';
import { WebService, WebServiceProps } from '../lib/web/web-service';
import { emptyPlatform, manifestsOf, testChart } from './support/platform';

const IMAGE = 'registry.example.com/demo:1.0.0';

/** Renders one WebService named `web` in app `demo` and returns its objects by kind/name. */
function renderWeb(props: Partial<WebServiceProps> = {}) {
  const platform = emptyPlatform();
  new WebService(testChart(platform), 'web', { image: IMAGE, port: 8080, ...props });
  return manifestsOf(render(platform), 'demo');
}

function deploymentSpec(props: Partial<WebServiceProps> = {}): any {
  return renderWeb(props).get('Deployment/web')!.spec;
}

function buildError(props: Partial<WebServiceProps>): string {
  const platform = emptyPlatform();
  try {
    new WebService(testChart(platform), 'web', { image: IMAGE, port: 8080, ...props });
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the construct to throw');
}

describe('WebService defaults (seed 000)', () => {
  it('runs 2 replicas with a zero-downtime rolling update', () => {
    const spec = deploymentSpec();
    expect(spec.replicas).toBe(2);
    expect(spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
  });

  it('probes readiness on /health/ after 60 s every 15 s with 3 failures, liveness after 90 s every 30 s with 5', () => {
    const container = deploymentSpec().template.spec.containers[0];
    expect(container.readinessProbe).toEqual({ httpGet: { path: '/health/', port: 'http' }, initialDelaySeconds: 60, periodSeconds: 15, failureThreshold: 3 });
    expect(container.livenessProbe).toEqual({ httpGet: { path: '/health/', port: 'http' }, initialDelaySeconds: 90, periodSeconds: 30, failureThreshold: 5 });
  });

  it('sleeps 15 s before SIGTERM and allows more than that before SIGKILL', () => {
    const pod = deploymentSpec().template.spec;
    expect(pod.containers[0].lifecycle).toEqual({ preStop: { sleep: { seconds: 15 } } });
    expect(pod.terminationGracePeriodSeconds).toBe(45);
  });

  it('always sets requests and limits', () => {
    expect(deploymentSpec().template.spec.containers[0].resources).toEqual({
      requests: { cpu: '100m', memory: '128Mi' },
      limits: { cpu: '500m', memory: '512Mi' },
    });
  });

  it('meets Pod Security "restricted" and mounts no service-account token', () => {
    const pod = deploymentSpec().template.spec;
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.containers[0].securityContext).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true });
  });

  it('spreads replicas across nodes and guards them with a PodDisruptionBudget of minAvailable 1', () => {
    const objects = renderWeb();
    const selector = { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'demo-web' };
    expect(objects.get('PodDisruptionBudget/web')!.spec).toEqual({ minAvailable: 1, selector: { matchLabels: selector } });
    expect(objects.get('Deployment/web')!.spec).toMatchObject({
      template: { spec: { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector }, matchLabelKeys: ['pod-template-hash'] }] } },
    });
  });

  it('has neither PodDisruptionBudget nor spread with a single replica', () => {
    const objects = renderWeb({ replicas: 1 });
    expect(objects.has('PodDisruptionBudget/web')).toBe(false);
    expect(objects.get('Deployment/web')!.spec).not.toHaveProperty('template.spec.topologySpreadConstraints');
  });

  it('selects pods by app.kubernetes.io labels only, never by construct path', () => {
    const objects = renderWeb();
    const selector = { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'demo-web' };
    expect((objects.get('Deployment/web')!.spec as any).selector).toEqual({ matchLabels: selector });
    expect((objects.get('Service/web')!.spec as any).selector).toEqual(selector);
    expect(JSON.stringify([...objects.values()])).not.toContain('cdk8s.io');
  });

  it('labels every object with the five standard labels', () => {
    for (const object of renderWeb({ autoscaling: { maxReplicas: 4 }, ingress: { hosts: ['demo.example.com'] } }).values()) {
      expect(object.metadata.labels).toEqual({
        'app.kubernetes.io/name': 'web',
        'app.kubernetes.io/instance': 'demo-web',
        'app.kubernetes.io/component': 'server',
        'app.kubernetes.io/part-of': 'demo',
        'app.kubernetes.io/managed-by': 'platform-cdk8s',
      });
    }
  });

  it('exposes the container port through a ClusterIP Service on the named port', () => {
    expect(renderWeb({ servicePort: 80 }).get('Service/web')!.spec).toEqual({
      selector: { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'demo-web' },
      ports: [{ name: 'http', port: 80, targetPort: 'http' }],
    });
  });

  it('leaves replicas to the HorizontalPodAutoscaler when autoscaling', () => {
    const objects = renderWeb({ autoscaling: { minReplicas: 2, maxReplicas: 5 } });
    expect(objects.get('Deployment/web')!.spec).not.toHaveProperty('replicas');
    expect(objects.get('HorizontalPodAutoscaler/web')!.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: 2,
      maxReplicas: 5,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
    });
    expect(objects.has('PodDisruptionBudget/web')).toBe(true);
  });

  it('routes every ingress host to the Service port through Traefik, with TLS from a Let\'s Encrypt certificate', () => {
    const objects = renderWeb({ ingress: { hosts: ['a.example.com', 'b.example.com'] } });
    expect(objects.get('Ingress/web')!.spec).toEqual({
      ingressClassName: 'traefik',
      rules: ['a.example.com', 'b.example.com'].map(host => ({
        host,
        http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 8080 } } } }] },
      })),
      tls: [{ hosts: ['a.example.com', 'b.example.com'], secretName: 'web-tls' }],
    });
    expect(objects.get('Certificate/web')!.spec).toEqual({
      secretName: 'web-tls',
      dnsNames: ['a.example.com', 'b.example.com'],
      issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'letsencrypt' },
    });
  });

  it('routes internal hosts without a certificate or DNS annotation', () => {
    const objects = renderWeb({ ingress: { hosts: ['a.lan.example.com'], exposure: 'internal' } });
    expect((objects.get('Ingress/web')!.spec as any).tls).toBeUndefined();
    expect(objects.get('Ingress/web')!.metadata.annotations).toBeUndefined();
    expect(objects.has('Certificate/web')).toBe(false);
  });
});

describe('WebService rejects bad props naming the construct path and field', () => {
  it('rejects replicas below 1', () => {
    expect(buildError({ replicas: 0 })).toBe('demo/web: replicas: must be at least 1 (got 0)');
  });

  it('rejects a port outside 1-65535', () => {
    expect(buildError({ port: 70000 })).toBe('demo/web: port: 70000 is not a port number between 1 and 65535');
    expect(buildError({ servicePort: 0 })).toBe('demo/web: servicePort: 0 is not a port number between 1 and 65535');
  });

  it('rejects a name that is not a DNS label', () => {
    expect(buildError({ name: 'Web_1' })).toBe('demo/web: name: "Web_1" is not a DNS label (lowercase letters, digits and \'-\', at most 63 characters, starting and ending with a letter or digit)');
  });

  it('rejects an image without a tag', () => {
    expect(buildError({ image: 'registry.example.com:5000/demo' })).toBe('demo/web: image: image "registry.example.com:5000/demo" has no tag; pin a version, e.g. "registry.example.com:5000/demo:1.2.3" (the platform\'s pins live in lib/images.ts)');
  });

  it('rejects an image tagged latest', () => {
    expect(buildError({ image: 'demo:latest' })).toBe('demo/web: image: image "demo:latest" is tagged latest; pin a version (the platform\'s pins live in lib/images.ts)');
  });

  it('rejects limits below requests', () => {
    expect(buildError({ resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '500m', memory: '2Gi' } } }))
      .toBe('demo/web: resources.limits.cpu: limit 500m is below the request 1');
    expect(buildError({ resources: { requests: { cpu: '100m', memory: '1Gi' }, limits: { cpu: '1', memory: '512Mi' } } }))
      .toBe('demo/web: resources.limits.memory: limit 512Mi is below the request 1Gi');
  });

  it('rejects a resource amount that is not a quantity', () => {
    expect(buildError({ resources: { requests: { cpu: 'lots', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } } }))
      .toBe('demo/web: resources.requests.cpu: "lots" is not a Kubernetes quantity (for example 500m, 2, 128Mi, 10Gi)');
  });

  it('rejects an autoscaler whose min exceeds its max', () => {
    expect(buildError({ autoscaling: { minReplicas: 6, maxReplicas: 5 } })).toBe('demo/web: autoscaling.maxReplicas: must be at least minReplicas (got min 6, max 5)');
  });

  it('rejects replicas together with autoscaling', () => {
    expect(buildError({ replicas: 3, autoscaling: { maxReplicas: 5 } })).toBe('demo/web: replicas: cannot be set together with autoscaling; the HorizontalPodAutoscaler owns the replica count');
  });

  it('rejects a grace period that does not exceed the preStop sleep', () => {
    expect(buildError({ terminationGracePeriod: Duration.seconds(10) })).toBe('demo/web: terminationGracePeriod: 10s must exceed preStopSleep (15s), or SIGKILL arrives before the app sees SIGTERM');
  });

  it('rejects an ingress host with capitals, naming the rule it breaks', () => {
    expect(buildError({ ingress: { hosts: ['Wiki.Example.org'] } })).toBe('demo/web: ingress.hosts[0]: "Wiki.Example.org" is not a fully qualified hostname (lowercase letters, digits, \'-\' and \'.\', at least two labels, each starting and ending with a letter or digit)');
  });

  it('rejects an ingress host that is not a hostname', () => {
    expect(buildError({ ingress: { hosts: ['localhost'] } })).toBe('demo/web: ingress.hosts[0]: "localhost" is not a fully qualified hostname (lowercase letters, digits, \'-\' and \'.\', at least two labels, each starting and ending with a letter or digit)');
  });
});

describe('WebService metrics', () => {
  it('annotates the pods for Prometheus and names the metrics port when it differs from the app port', () => {
    const spec = deploymentSpec({ metrics: { port: 9100 } });
    expect(spec.template.metadata.annotations).toEqual({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9100', 'prometheus.io/path': '/metrics' });
    expect(spec.template.spec.containers[0].ports).toEqual([{ name: 'http', containerPort: 8080 }, { name: 'metrics', containerPort: 9100 }]);
  });

  it('is not scraped unless it declares metrics', () => {
    expect(deploymentSpec().template.metadata).not.toHaveProperty('annotations');
  });
});

describe('WebService NodePort', () => {
  it('exposes the Service on the given node port', () => {
    expect(renderWeb({ nodePort: 30080 }).get('Service/web')!.spec).toMatchObject({ type: 'NodePort', ports: [{ name: 'http', port: 8080, targetPort: 'http', nodePort: 30080 }] });
  });

  it('rejects a node port outside 30000-32767', () => {
    expect(buildError({ nodePort: 8080 })).toBe('demo/web: nodePort: 8080 is outside the NodePort range 30000-32767');
  });
});
