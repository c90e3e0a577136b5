import type { IVolume } from 'kubernetes-models/v1/Volume';
import { cnpgInstanceLabels, cnpgPoolerLabels, cnpgSecrets } from './cnpg';
import { asKind, Container, KindMap, PodTemplate } from './kube';
import type { Manifest } from './manifest';
import { podTemplateOf } from './pods';

/** An object the index is built from: its manifest and the file it is written to (or read from). */
export interface ModelObject {
  readonly file: string;
  readonly manifest: Manifest;
}

/** A pod template among the objects, with the object that owns it. */
export interface PodOf<O extends ModelObject = ModelObject> {
  readonly object: O;
  readonly namespace: string;
  readonly template: PodTemplate;
  /** Init containers, then the others (what reads configuration; ephemeral ones are added at run time). */
  readonly containers: Container[];
  readonly volumes: IVolume[];
}

const keyOf = (kind: string, namespace: string | undefined, name: string | undefined) => `${kind}/${namespace ?? ''}/${name ?? ''}`;

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * Every object by kind, name and namespace, and every pod template with its owner: the one reader
 * of rendered objects that the platform model, the validator (over dist/ or any YAML) and the
 * cluster harness share. Built in one pass, so every lookup after is a map read (the validator's
 * checks stay linear in the number of objects: 10,000 in the benchmark). Objects read from a
 * user's YAML may lack metadata (the schema check says so); the index files them under no name.
 */
export class ObjectIndex<O extends ModelObject = ModelObject> {
  public readonly objects: readonly O[];
  /** Every pod template among the objects, with its owner. */
  public readonly pods: readonly PodOf<O>[];
  private readonly index = new Map<string, O>();
  private readonly byKind = new Map<string, O[]>();
  private readonly byNamespace = new Map<string, O[]>();
  private readonly podsByNamespace = new Map<string, PodOf<O>[]>();
  private readonly podByObject = new Map<O, PodOf<O>>();
  private readonly secretsByNamespace = new Map<string, Set<string>>();

  constructor(objects: readonly O[]) {
    this.objects = objects;
    const pods: PodOf<O>[] = [];
    for (const object of objects) {
      const { kind, metadata } = object.manifest;
      const namespace = metadata?.namespace ?? '';
      const key = keyOf(kind, metadata?.namespace, metadata?.name);
      if (!this.index.has(key)) this.index.set(key, object);
      push(this.byKind, kind, object);
      push(this.byNamespace, namespace, object);
      const template = podTemplateOf(object.manifest);
      if (!template) continue;
      const spec = template.spec;
      const pod = { object, namespace, template, containers: [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])], volumes: spec?.volumes ?? [] };
      pods.push(pod);
      push(this.podsByNamespace, namespace, pod);
      this.podByObject.set(object, pod);
    }
    this.pods = pods;
  }

  /** The objects of a kind (by its bare name: `Cluster` for CloudNativePG's). */
  public ofKind(kind: string): readonly O[] {
    return this.byKind.get(kind) ?? [];
  }

  /**
   * The objects of a kind (by its bare name, whatever the API version), each with its typed view
   * as that kind's schema declares it. Values from a user's YAML may still have another type
   * where a wrong one would mislead a reader; the schema check reports the wrong type itself.
   */
  public typedOfKind<K extends keyof KindMap>(kind: K): [O, KindMap[K]][] {
    return this.ofKind(kind.slice(kind.lastIndexOf('/') + 1)).map(object => [object, this.typed(object, kind)]);
  }

  /** An object already known to be of `kind`, typed as that kind's schema declares it (see typedOfKind). */
  public typed<K extends keyof KindMap>(object: O, kind: K): KindMap[K] {
    void kind;
    return object.manifest as unknown as KindMap[K];
  }

  /** The first object of `kind` named `name` in `namespace` (undefined for a cluster-scoped one). */
  public find(kind: string, namespace: string | undefined, name: string): O | undefined {
    return this.index.get(keyOf(kind, namespace, name));
  }

  /** The objects of a namespace (undefined: the cluster-scoped ones). */
  public inNamespace(namespace: string | undefined): readonly O[] {
    return this.byNamespace.get(namespace ?? '') ?? [];
  }

  /** The pod templates of a namespace, each with its owner. */
  public podsIn(namespace: string | undefined): readonly PodOf<O>[] {
    return this.podsByNamespace.get(namespace ?? '') ?? [];
  }

  /** The pod template an object owns, if it runs pods by one. */
  public podOf(object: O): PodOf<O> | undefined {
    return this.podByObject.get(object);
  }

  /**
   * Labels of every pod a namespace runs: those of its templates, and those CloudNativePG gives
   * the pods it runs for the Clusters and Poolers there, which no template describes.
   */
  public podLabelsIn(namespace: string | undefined): (Record<string, string> | undefined)[] {
    const here = (o: O) => (o.manifest.metadata?.namespace ?? '') === (namespace ?? '');
    const instances = this.ofKind('Cluster').filter(o => here(o) && asKind(o.manifest, 'postgresql.cnpg.io/Cluster')).map(o => cnpgInstanceLabels(o.manifest.metadata.name));
    const poolers = this.ofKind('Pooler').filter(here).flatMap(o => {
      const pooler = asKind(o.manifest, 'postgresql.cnpg.io/Pooler');
      return pooler ? [cnpgPoolerLabels(pooler.metadata.name, pooler.spec?.cluster?.name)] : [];
    });
    return [...this.podsIn(namespace).map(p => p.template.metadata?.labels), ...instances, ...poolers];
  }

  /**
   * Names of the Secrets the objects bring into being in a namespace: the Secrets among them, the
   * targets of their ExternalSecrets, and those CloudNativePG creates for their Clusters.
   */
  public secretsIn(namespace: string | undefined): ReadonlySet<string> {
    const ns = namespace ?? '';
    let names = this.secretsByNamespace.get(ns);
    if (names) return names;
    names = new Set<string>();
    for (const { manifest: m } of this.inNamespace(namespace)) {
      if (m.kind === 'Secret') names.add(m.metadata.name);
      const external = asKind(m, 'external-secrets.io/ExternalSecret');
      if (external) names.add(external.spec?.target?.name ?? m.metadata.name);
      if (asKind(m, 'postgresql.cnpg.io/Cluster')) cnpgSecrets(m.metadata.name).forEach(name => names!.add(name));
    }
    this.secretsByNamespace.set(ns, names);
    return names;
  }
}
