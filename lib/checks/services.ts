import type { RenderedObject } from '../model/rendered';

/** A Service as the checks see it: what it selects and which ports it maps to which. */
export interface ServiceEntry {
  readonly namespace: string;
  readonly name: string;
  readonly selector: Record<string, string>;
  readonly ports: { port: number; targetPort: number | string }[];
  /** The object that renders it, or that makes an operator create it. */
  readonly object: RenderedObject;
}

const PG = 5432;

/**
 * The Services of the platform: those rendered, and those CloudNativePG creates for what is
 * rendered (a Cluster's `-rw`, `-ro` and `-r`; a Pooler's own name).
 * @see https://cloudnative-pg.io/documentation/current/service_management/
 */
export function servicesOf(objects: RenderedObject[]): ServiceEntry[] {
  return objects.flatMap((object): ServiceEntry[] => {
    const m = object.manifest as any;
    const namespace = m.metadata.namespace ?? '';
    if (m.kind === 'Service' && m.apiVersion === 'v1') {
      const ports = (m.spec?.ports ?? []).map((p: any) => ({ port: p.port, targetPort: p.targetPort ?? p.port }));
      return [{ namespace, name: m.metadata.name, selector: m.spec?.selector ?? {}, ports, object }];
    }
    if (!String(m.apiVersion).startsWith('postgresql.cnpg.io/')) return [];
    const ports = [{ port: PG, targetPort: PG }];
    if (m.kind === 'Cluster') {
      const selector = { 'cnpg.io/cluster': m.metadata.name, 'cnpg.io/podRole': 'instance' };
      return ['rw', 'ro', 'r'].map(suffix => ({ namespace, name: `${m.metadata.name}-${suffix}`, selector, ports, object }));
    }
    if (m.kind === 'Pooler') return [{ namespace, name: m.metadata.name, selector: { 'cnpg.io/poolerName': m.metadata.name }, ports, object }];
    return [];
  });
}
