import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { selectorLabels } from '../k8s/labels';
import { Volume } from '../k8s/volume';
import { renderPodTemplate } from '../workloads/pod';
import { componentService } from '../workloads/service';
import { cacheConfig } from './valkey-config';
import { livenessPing, ping, VALKEY, VALKEY_CONFIG_DIR, VALKEY_DATA_DIR, VALKEY_RUN_AS, ValkeyParts } from './valkey-pod';

/** The objects of a standalone Valkey. */
export interface StandaloneValkey {
  readonly config: string;
  readonly configMap: k8s.KubeConfigMap;
  readonly service: k8s.KubeService;
  readonly statefulSet: k8s.KubeStatefulSet;
}

/** One pod (seed 000): valkey.conf from a ConfigMap, data in an emptyDir, a headless Service. */
export function renderStandalone(scope: Construct, v: ValkeyParts): StandaloneValkey {
  const config = cacheConfig(v.maxmemoryBytes, v.hasPassword);
  const configMap = new k8s.KubeConfigMap(scope, 'ConfigMap', { metadata: { name: v.name, labels: v.labels }, data: { 'valkey.conf': config } });
  const service = componentService(scope, 'Service', v.identity, [VALKEY], { headless: true });
  const statefulSet = new k8s.KubeStatefulSet(scope, 'StatefulSet', {
    metadata: { name: v.name, labels: v.labels },
    spec: {
      serviceName: v.name,
      replicas: 1,
      selector: { matchLabels: selectorLabels(v.identity) },
      template: renderPodTemplate(scope, v.labels, {
        runAs: VALKEY_RUN_AS,
        annotations: v.podAnnotations,
        containers: [{
          name: 'valkey',
          image: v.image,
          args: [`${VALKEY_CONFIG_DIR}/valkey.conf`, ...(v.hasPassword ? ['--requirepass', '$(VALKEY_PASSWORD)'] : [])],
          env: v.passwordEnv,
          ports: [VALKEY],
          mounts: [
            { volume: Volume.configMap('config', v.name), path: VALKEY_CONFIG_DIR, readOnly: true },
            { volume: Volume.emptyDir('data'), path: VALKEY_DATA_DIR },
          ],
          resources: v.resources,
          readiness: ping(VALKEY.port),
          liveness: livenessPing(VALKEY.port),
        }, v.exporter],
      }),
    },
  });
  return { config, configMap, service, statefulSet };
}
