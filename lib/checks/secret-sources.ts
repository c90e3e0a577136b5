import { IConstruct } from 'constructs';
import { credentialsOf } from '../secrets/external-secret';
import { asKind, cnpgSecrets } from '../model';
import type { RenderedModel } from '../model/rendered';
import { RenderedPod, fieldOf, ownerPath } from './pods';

// The API server publishes this ConfigMap in every namespace.
const KUBE_ROOT_CA = 'kube-root-ca.crt';

type Kind = 'Secret' | 'ConfigMap';
interface Read { readonly kind: Kind; readonly name: string; readonly field: string; readonly keys: string[] }

/** The Secrets and ConfigMaps a pod reads, optional ones left out. */
function readsOf(pod: RenderedPod): Read[] {
  const reads: Read[] = [];
  for (const v of pod.volumes) {
    const field = `volume ${v.name}`;
    if (v.secret && !v.secret.optional) reads.push({ kind: 'Secret', name: v.secret.secretName!, field, keys: [] });
    if (v.configMap && !v.configMap.optional) reads.push({ kind: 'ConfigMap', name: v.configMap.name!, field, keys: [] });
    for (const s of v.projected?.sources ?? []) {
      if (s.secret && !s.secret.optional) reads.push({ kind: 'Secret', name: s.secret.name!, field, keys: [] });
      if (s.configMap && !s.configMap.optional) reads.push({ kind: 'ConfigMap', name: s.configMap.name!, field, keys: [] });
    }
  }
  for (const c of pod.containers) {
    for (const e of c.env ?? []) {
      const field = fieldOf(pod, c, `env.${e.name}`);
      const secret = e.valueFrom?.secretKeyRef;
      const configMap = e.valueFrom?.configMapKeyRef;
      if (secret && !secret.optional) reads.push({ kind: 'Secret', name: secret.name!, field, keys: [secret.key] });
      if (configMap && !configMap.optional) reads.push({ kind: 'ConfigMap', name: configMap.name!, field, keys: [configMap.key] });
    }
    for (const e of c.envFrom ?? []) {
      const field = fieldOf(pod, c, 'envFrom');
      if (e.secretRef && !e.secretRef.optional) reads.push({ kind: 'Secret', name: e.secretRef.name!, field, keys: [] });
      if (e.configMapRef && !e.configMapRef.optional) reads.push({ kind: 'ConfigMap', name: e.configMapRef.name!, field, keys: [] });
    }
  }
  return reads;
}

/** What brings each Secret and ConfigMap of an app folder into being, by `<kind>/<name>`. */
function sourcesOf(model: RenderedModel, appDir: string): Set<string> {
  const sources = new Set<string>([`ConfigMap/${KUBE_ROOT_CA}`]);
  for (const o of model.objects.filter(x => x.chart.outputDir === appDir)) {
    const m = o.manifest;
    if (m.kind === 'Secret' || m.kind === 'ConfigMap') sources.add(`${m.kind}/${m.metadata.name}`);
    // Any ExternalSecret by kind, as Argo CD would create its Secret whatever its API version.
    if (m.kind === 'ExternalSecret') sources.add(`Secret/${(m as { spec?: { target?: { name?: string } } }).spec?.target?.name ?? m.metadata.name}`);
    if (asKind(m, 'postgresql.cnpg.io/Cluster')) for (const secret of cnpgSecrets(m.metadata.name)) sources.add(`Secret/${secret}`);
  }
  return sources;
}

/**
 * Pods that read a Secret or ConfigMap nothing creates: not rendered by their app, not the target
 * of an ExternalSecret of their app, not declared pre-created or created at run time by the app,
 * and not made by an operator the platform runs. Such a pod would never start.
 */
export function missingSources(root: IConstruct, model: RenderedModel): string[] {
  const credentials = credentialsOf(root);
  const preCreated = new Set([...credentials.preCreated, ...credentials.runTime].map(s => `${s.namespace}/${s.name}`));
  // One finding per missing object, at its first reader; the others are listed in it.
  const missing = new Map<string, { pod: RenderedPod; read: Read; others: string[] }>();
  const byApp = new Map<string, Set<string>>();
  for (const pod of model.pods) {
    const appDir = pod.object.chart.outputDir;
    if (!byApp.has(appDir)) byApp.set(appDir, sourcesOf(model, appDir));
    const sources = byApp.get(appDir)!;
    for (const read of readsOf(pod)) {
      const key = `${read.kind}/${read.name}`;
      if (sources.has(key) || (read.kind === 'Secret' && preCreated.has(`${pod.namespace}/${read.name}`))) continue;
      const seen = missing.get(`${pod.namespace}/${key}`);
      const reader = ownerPath(pod.object);
      if (!seen) missing.set(`${pod.namespace}/${key}`, { pod, read, others: [] });
      else if (reader !== ownerPath(seen.pod.object) && !seen.others.includes(reader)) seen.others.push(reader);
    }
  }
  return [...missing.values()].map(({ pod, read, others }) => {
    const also = others.length ? ` (also read by ${others.join(', ')})` : '';
    return `${ownerPath(pod.object)}: ${read.field}: reads ${read.kind} ${read.name}, which nothing creates in namespace ${pod.namespace}${also}; ${fix(read)}`;
  });
}

function fix(read: Read): string {
  if (read.kind === 'ConfigMap') return `render it in the same app, or fix the name`;
  const keys = read.keys.length ? read.keys.map(k => `'${k}'`).join(', ') : "'<key>'";
  return `declare it in its chart with externalSecret(this, { name: '${read.name}', keys: [${keys}], usedBy: '<what reads it>' }), or with preCreatedSecret() if it is created by hand`;
}
