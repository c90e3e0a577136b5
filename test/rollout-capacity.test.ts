import * as fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { extra, goodApp, meta, pod, validateIn, web } from './support/good-app';
import { tempDir } from './support/platform';

// What a real control plane accepts but cannot carry out (test/control-plane-negative.test.ts
// shows the stalls); the good app's Deployment: 2 replicas of 100m/128Mi requested, 500m/256Mi at
// most, and Kubernetes's default maxSurge of 25%, which rounds up to one surge pod.

const dir = tempDir('rollout-capacity-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const quota = (hard: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: meta('demo'), spec: { hard } });
const findings = (name: string, objects: any[], rule: string) =>
  validateIn(dir, name, objects).errors.filter(f => f.rule === rule).map(f => `${f.object}: ${f.message}`);

describe('a ResourceQuota too small for a rollout', () => {
  it('is refused per key, naming what the namespace needs with every surge pod', () => {
    const objects = goodApp();
    extra(objects, quota({ pods: '2', 'requests.cpu': '200m', 'requests.memory': '384Mi', 'limits.cpu': '1500m', 'limits.memory': '512Mi' }));
    expect(findings('small-quota', objects, 'quota-rollout')).toEqual([
      'ResourceQuota demo/demo: spec.hard.pods: 2 is less than the 3 that namespace demo\'s workloads need with every pod at its maximum and each rollout\'s surge pods, so a rollout would stall with "exceeded quota"; raise it or lower maxSurge',
      'ResourceQuota demo/demo: spec.hard.requests.cpu: 200m is less than the 300m that namespace demo\'s workloads need with every pod at its maximum and each rollout\'s surge pods, so a rollout would stall with "exceeded quota"; raise it or lower maxSurge',
      'ResourceQuota demo/demo: spec.hard.limits.memory: 512Mi is less than the 768Mi that namespace demo\'s workloads need with every pod at its maximum and each rollout\'s surge pods, so a rollout would stall with "exceeded quota"; raise it or lower maxSurge',
    ]);
  });

  it('is accepted when it covers the surge exactly, or when the rollout does not surge', () => {
    const exact = goodApp();
    extra(exact, quota({ pods: '3', 'requests.cpu': '300m', 'requests.memory': '384Mi', 'limits.cpu': '1500m', 'limits.memory': '768Mi' }));
    expect(findings('exact-quota', exact, 'quota-rollout')).toEqual([]);
    const recreate = goodApp();
    recreate[0].spec.strategy = { type: 'Recreate' };
    extra(recreate, quota({ pods: '2', 'requests.cpu': '200m' }));
    expect(findings('recreate-quota', recreate, 'quota-rollout')).toEqual([]);
  });
});

describe('a Deployment whose pods hold a host port', () => {
  it('is refused when its rollout surges', () => {
    const objects = goodApp();
    pod(objects).hostNetwork = true;
    expect(findings('host-network', objects, 'host-port-rollout')).toEqual([
      'Deployment demo/web: spec.strategy.rollingUpdate.maxSurge: its pods hold port 8080 on their node, so a surge pod never schedules where one already runs ("didn\'t have free ports") and on a cluster with as many nodes as replicas the rollout stalls; set maxSurge: 0 and maxUnavailable: 1',
    ]);
    const hostPort = goodApp();
    web(hostPort).ports[0].hostPort = 8443;
    expect(findings('host-port', hostPort, 'host-port-rollout')).toHaveLength(1);
  });

  it('is accepted when the old pod goes first', () => {
    const objects = goodApp();
    pod(objects).hostNetwork = true;
    objects[0].spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } };
    expect(findings('host-network-no-surge', objects, 'host-port-rollout')).toEqual([]);
  });
});
