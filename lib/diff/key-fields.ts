import type { Manifest } from '../model/manifest';

/* The fields a reviewer looks at first in a new object, in one line: what runs, how many, where it listens and answers. */

interface Container { image?: string; ports?: { containerPort?: number; name?: string }[] }
interface PodSpec { containers?: Container[]; initContainers?: Container[] }

function podSpecOf(m: Manifest): PodSpec | undefined {
  const spec = m.spec as { template?: { spec?: PodSpec }; jobTemplate?: { spec?: { template?: { spec?: PodSpec } } } } | undefined;
  return m.kind === 'CronJob' ? spec?.jobTemplate?.spec?.template?.spec : spec?.template?.spec;
}

const unique = <T>(values: T[]) => [...new Set(values)];

/** `kind` plus its key fields: replicas, images, ports, hosts, storage, schedule, keys. */
export function keyFields(m: Manifest): string {
  // Fields of the kinds below, each read where its kind has it.
  const spec = (m.spec ?? {}) as Record<string, unknown> & {
    replicas?: number; schedule?: string; timeZone?: string; tls?: unknown[]; resources?: { requests?: { storage?: string } };
    storage?: { size?: string }; scaleTargetRef?: { kind?: string; name?: string };
  };
  const fields: string[] = [];
  const pod = podSpecOf(m);
  if (pod) {
    if (m.kind === 'Deployment' || m.kind === 'StatefulSet') fields.push(spec.replicas === undefined ? 'replicas from its autoscaler' : `replicas ${spec.replicas}`);
    if (m.kind === 'CronJob') fields.push(`schedule "${spec.schedule}"${spec.timeZone ? ` ${spec.timeZone}` : ''}`);
    const containers = [...(pod.initContainers ?? []), ...(pod.containers ?? [])];
    const images = unique(containers.map(c => c.image).filter((i): i is string => Boolean(i)));
    if (images.length) fields.push(`image${images.length > 1 ? 's' : ''} ${images.join(', ')}`);
    const ports = unique((pod.containers ?? []).flatMap(c => (c.ports ?? []).map(p => p.containerPort)).filter((p): p is number => p !== undefined));
    if (ports.length) fields.push(`port${ports.length > 1 ? 's' : ''} ${ports.join(', ')}`);
    const claims = ((spec.volumeClaimTemplates ?? []) as { metadata?: { name?: string }; spec?: { resources?: { requests?: { storage?: string } } } }[])
      .map(t => `${t.metadata?.name} ${t.spec?.resources?.requests?.storage ?? ''}`.trim());
    if (claims.length) fields.push(`volume claims ${claims.join(', ')}`);
  }
  switch (m.kind) {
    case 'Service': {
      const ports = ((spec.ports ?? []) as { port?: number; targetPort?: number | string; nodePort?: number }[])
        .map(p => `${p.port}${p.targetPort !== undefined && p.targetPort !== p.port ? `→${p.targetPort}` : ''}${p.nodePort ? ` (node ${p.nodePort})` : ''}`);
      fields.push(`${spec.type ?? 'ClusterIP'}${spec.clusterIP === 'None' ? ' headless' : ''}`, ...(ports.length ? [`ports ${ports.join(', ')}`] : []));
      break;
    }
    case 'Ingress': {
      const hosts = unique(((spec.rules ?? []) as { host?: string }[]).map(r => r.host).filter(Boolean));
      fields.push(`hosts ${hosts.join(', ') || '(any)'}`, ...(spec.tls?.length ? ['TLS'] : []));
      break;
    }
    case 'HTTPRoute':
      fields.push(`hosts ${((spec.hostnames ?? []) as string[]).join(', ') || '(any)'}`, `via ${((spec.parentRefs ?? []) as { name?: string }[]).map(p => p.name).join(', ')}`);
      break;
    case 'PersistentVolumeClaim':
      fields.push(`storage ${spec.resources?.requests?.storage ?? '?'}`, ...(spec.storageClassName ? [`class ${spec.storageClassName}`] : []));
      break;
    case 'Cluster':
      if (m.apiVersion.startsWith('postgresql.cnpg.io/')) fields.push(`instances ${spec.instances ?? 1}`, `storage ${spec.storage?.size ?? '?'}`, ...(spec.imageName ? [`image ${spec.imageName}`] : []));
      break;
    case 'ConfigMap':
    case 'Secret': {
      const keys = Object.keys({ ...(m.data as object | undefined), ...(m.binaryData as object | undefined), ...(m.stringData as object | undefined) });
      if (keys.length) fields.push(`keys ${keys.join(', ')}`);
      break;
    }
    case 'HorizontalPodAutoscaler':
      fields.push(`${spec.minReplicas ?? 1}-${spec.maxReplicas} replicas of ${spec.scaleTargetRef?.kind} ${spec.scaleTargetRef?.name}`);
      break;
    case 'Certificate':
      fields.push(`hosts ${((spec.dnsNames ?? []) as string[]).join(', ')}`);
      break;
    case 'ExternalSecret':
      fields.push(`keys ${((spec.data ?? []) as { secretKey?: string }[]).map(d => d.secretKey).join(', ')}`);
      break;
    default:
  }
  return fields.join(', ');
}
