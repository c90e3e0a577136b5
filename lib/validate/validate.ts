import * as path from 'node:path';
import { isClusterScoped } from '../k8s/scope';
import { ObjectIndex } from '../model';
import { REPO_ROOT } from '../paths';
import { crdsDir, schemasDir } from '../schema-sources';
import { checkApiServerRules } from './checks/api-server';
import { checkCrdValidations } from './checks/crd-validation';
import { checkApiServerParity } from './checks/parity';
import { checkPodSecurity } from './checks/pod-security';
import { checkReferences } from './checks/references';
import { checkReliability } from './checks/reliability';
import { checkRolloutCapacity } from './checks/rollout-capacity';
import { checkSchemas } from './checks/schema';
import { ValidationContext } from './context';
import { Finding, Subject } from './finding';
import { ModelsSchemaProvider } from './schema/models-fallback';
import { SchemaProvider } from './schema/provider';
import { SchemaStore } from './schema/schema-store';

export interface ValidationReport {
  readonly objects: number;
  /** Findings that fail validation. */
  readonly errors: Finding[];
  readonly warnings: Finding[];
  /** Findings on objects exempt from the rule, with the reason given. */
  readonly exempted: Finding[];
  /** Where the schemas came from, and whether the check was strict. */
  readonly schemas: string;
  readonly strictSchemas: boolean;
  /** What the summary must say about checks that ran partly (CEL rules not evaluated). */
  readonly notes: string[];
}

const CACHE_DIR = path.join(REPO_ROOT, 'node_modules/.cache/platform-schemas');

let sharedStore: SchemaProvider | undefined;

/**
 * The schemas of the configured folders, created once per process; without a schema folder, the
 * kubernetes-models fallback, which is not strict and says so.
 */
export function defaultSchemaStore(): SchemaProvider {
  sharedStore ??= SchemaStore.available(schemasDir())
    ? new SchemaStore(schemasDir(), crdsDir(), CACHE_DIR)
    : new ModelsSchemaProvider(schemasDir());
  return sharedStore;
}

/** Runs every rule over the objects. `extraFindings` (e.g. YAML errors) join the report. */
export function validateSubjects(subjects: Subject[], store: SchemaProvider = defaultSchemaStore(), extraFindings: Finding[] = []): ValidationReport {
  return validateIndex(new ObjectIndex(subjects), store, extraFindings);
}

/** Runs every rule over the objects of an index already built (synthesis's platform model). */
export function validateIndex(index: ObjectIndex<Subject>, store: SchemaProvider = defaultSchemaStore(), extraFindings: Finding[] = []): ValidationReport {
  const ctx = new ValidationContext(index);
  checkSchemas(ctx, store, CACHE_DIR);
  const notes = checkCrdValidations(ctx, store, CACHE_DIR);
  checkApiServerRules(ctx);
  checkApiServerParity(ctx, s => store.schemaFor(s.manifest.apiVersion, s.manifest.kind)?.source === 'kubernetes');
  checkReferences(ctx);
  checkRolloutCapacity(ctx);
  checkPodSecurity(ctx);
  checkReliability(ctx, (apiVersion, kind) => isClusterScoped(apiVersion, kind) || store.schemaFor(apiVersion, kind)?.clusterScoped === true);
  const all = [...extraFindings, ...ctx.findings];
  return {
    objects: index.objects.length,
    errors: all.filter(f => f.severity === 'error' && !f.exemption),
    warnings: all.filter(f => f.severity === 'warning' && !f.exemption),
    exempted: all.filter(f => f.exemption),
    schemas: store.description,
    strictSchemas: store.strict && store.customResources,
    notes,
  };
}
