import { GPU_MODEL_LABEL, GpuNodes, gpuPools } from '../platform/gpus';
import type { INode } from 'kubernetes-models/v1/Node';
import { KubeClient, KubeList, message } from './client';

/** A set of identical fake nodes (kwok), spread over zones. */
export interface NodeShape {
  readonly count: number;
  readonly cpu: string;
  readonly memory: string;
  /** @default 1 zone per node, up to 3 */
  readonly zones?: number;
  /** GPU node groups, given to the first nodes in order. @default - none */
  readonly gpus?: readonly GpuNodes[];
}

/**
 * The labels and extended resources of each node's GPUs, as a node that joined with its model label
 * and runs its vendor's device plugin reports them: the first `nodes` nodes get the first group.
 */
export function gpuNodeShapes(shape: NodeShape): { labels: Record<string, string>; resources: Record<string, string> }[] {
  const nodes = Array.from({ length: shape.count }, () => ({ labels: {} as Record<string, string>, resources: {} as Record<string, string> }));
  let next = 0;
  for (const pool of gpuPools(shape.gpus, shape.count)) {
    for (let i = 0; i < pool.nodes; i++, next++) {
      nodes[next].labels[GPU_MODEL_LABEL] = pool.model;
      nodes[next].resources[pool.resource] = String(pool.perNode);
    }
  }
  return nodes;
}

/**
 * Registers fake nodes that kwok manages (it marks them Ready and runs their pods). Labels are
 * the ones a K3s node carries and the platform's spread rules use (kubernetes.io/hostname,
 * topology.kubernetes.io/zone).
 */
export async function createNodes(client: KubeClient, shape: NodeShape, prefix = 'node'): Promise<string[]> {
  const names: string[] = [];
  const zones = shape.zones ?? Math.min(shape.count, 3);
  const gpus = gpuNodeShapes(shape);
  for (let i = 0; i < shape.count; i++) {
    const name = `${prefix}-${i + 1}`;
    // A GPU node's device plugin adds its GPUs to capacity and allocatable.
    const resources = { cpu: shape.cpu, memory: shape.memory, pods: '110', 'ephemeral-storage': '100Gi', ...gpus[i].resources };
    // Nodes keep the status they are created with, so capacity is declared here.
    const node = {
      apiVersion: 'v1', kind: 'Node',
      metadata: {
        name,
        annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
        labels: {
          'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64',
          'topology.kubernetes.io/zone': `zone-${(i % zones) + 1}`, 'node.kubernetes.io/instance-type': 'k3s',
          type: 'kwok',
          ...gpus[i].labels,
        },
      },
      spec: {},
      status: { allocatable: resources, capacity: resources, nodeInfo: { architecture: 'amd64', operatingSystem: 'linux' } },
    };
    const res = await client.request('POST', '/api/v1/nodes', node);
    if (res.status >= 300) throw new Error(`node ${name}: ${message(res)}`);
    names.push(name);
  }
  // Wait until kwok reports them Ready, or the scheduler would skip them.
  const deadline = Date.now() + 30_000;
  for (;;) {
    const list = await client.get<KubeList<INode>>('/api/v1/nodes');
    const ready = list.items.filter(n => names.includes(n.metadata?.name ?? '') &&
      n.status?.conditions?.some(c => c.type === 'Ready' && c.status === 'True'));
    if (ready.length === names.length) return names;
    if (Date.now() > deadline) throw new Error(`fake nodes not Ready after 30 s (${ready.length}/${names.length})`);
    await new Promise(r => setTimeout(r, 100));
  }
}

/** K3s's default StorageClass: volumes are created on the node the pod lands on. */
export const LOCAL_PATH = {
  apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass',
  metadata: { name: 'local-path', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
  provisioner: 'rancher.io/local-path', volumeBindingMode: 'WaitForFirstConsumer', reclaimPolicy: 'Delete',
};

/** The address the stand-in ingress controller publishes, as K3s's Traefik publishes its node's. */
export const INGRESS_ADDRESS = '192.168.0.10';

/**
 * Stand-ins for what a K3s node runs besides the kubelet: local-path-provisioner (every claim the
 * scheduler has chosen a node for gets a PersistentVolume of its size on that node, which the PV
 * controller then binds) and Traefik's status updates (every Ingress gets the address it is
 * served on, which Argo CD's health check of an Ingress waits for). Returns a function that
 * stops them.
 */
export function startProvisioner(client: KubeClient): () => Promise<void> {
  let running = true;
  const done = (async () => {
    while (running) {
      try {
        await publishIngressAddresses(client);
        const claims = await client.get('/api/v1/persistentvolumeclaims');
        for (const pvc of claims.items) {
          const node = pvc.metadata.annotations?.['volume.kubernetes.io/selected-node'];
          if (pvc.status?.phase !== 'Pending' || !node || pvc.spec.volumeName) continue;
          const name = `pvc-${pvc.metadata.uid}`;
          await client.request('POST', '/api/v1/persistentvolumes', {
            apiVersion: 'v1', kind: 'PersistentVolume',
            metadata: { name, annotations: { 'pv.kubernetes.io/provisioned-by': LOCAL_PATH.provisioner } },
            spec: {
              capacity: { storage: pvc.spec.resources.requests.storage },
              accessModes: pvc.spec.accessModes,
              storageClassName: pvc.spec.storageClassName ?? LOCAL_PATH.metadata.name,
              persistentVolumeReclaimPolicy: 'Delete',
              claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: pvc.metadata.namespace, name: pvc.metadata.name, uid: pvc.metadata.uid },
              hostPath: { path: `/var/lib/fake-volumes/${name}` },
              nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } },
            },
          });
        }
      } catch { /* the server is going away; the loop ends with it */ }
      await new Promise(r => setTimeout(r, 250));
    }
  })();
  return async () => { running = false; await done; };
}

/** Gives every Ingress without one the address the ingress controller serves it on. */
async function publishIngressAddresses(client: KubeClient): Promise<void> {
  const ingresses = await client.get('/apis/networking.k8s.io/v1/ingresses');
  for (const ingress of ingresses.items) {
    if (ingress.status?.loadBalancer?.ingress?.length) continue;
    const { namespace, name } = ingress.metadata;
    await client.request('PATCH', `/apis/networking.k8s.io/v1/namespaces/${namespace}/ingresses/${name}/status`,
      { status: { loadBalancer: { ingress: [{ ip: INGRESS_ADDRESS }] } } }, 'application/merge-patch+json');
  }
}

/** Nodes, storage class and provisioner: what a cluster offers before Argo CD syncs anything. */
export async function prepareCluster(client: KubeClient, shape: NodeShape): Promise<() => Promise<void>> {
  await createNodes(client, shape);
  const res = await client.apply(LOCAL_PATH);
  if (res.status >= 300) throw new Error(`StorageClass local-path: ${message(res)}`);
  return startProvisioner(client);
}
