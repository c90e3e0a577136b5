import type { ErrorObject } from 'ajv';
import { ValidationContext } from '../context';
import type { Manifest } from '../../model/manifest';
import { KindSchema, SchemaProvider } from '../schema/provider';
import { VerdictCache } from '../verdict-cache';

const MAX_ERRORS_PER_OBJECT = 5;

/** Ajv's errors as readable lines, without the noise of failed oneOf/anyOf branches. */
function describe(errors: ErrorObject[] | null | undefined, prefix = ''): string[] {
  const meaningful = (errors ?? []).filter(e => !['oneOf', 'anyOf', 'if'].includes(e.keyword));
  const lines = meaningful.map(e => {
    const at = `${prefix}${e.instancePath.replace(/^\//, '').replace(/\//g, '.')}` || '(root)';
    if (e.keyword === 'additionalProperties') return `${at}: unknown field "${(e.params as { additionalProperty: string }).additionalProperty}"`;
    if (e.keyword === 'enum') return `${at}: must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map(v => JSON.stringify(v)).join(', ')}`;
    return `${at}: ${e.message}`;
  });
  return [...new Set(lines)];
}

/** The schema's findings on one object: its own, and for a custom resource its metadata's. */
function schemaLines(schema: KindSchema, store: SchemaProvider, manifest: Manifest): string[] {
  const lines = schema.validate(manifest) ? [] : describe(schema.validate.errors);
  if (schema.source === 'crd') {
    // CRD schemas leave metadata open; hold it to ObjectMeta like the API server does.
    const meta = store.objectMeta();
    if (!meta(manifest.metadata)) lines.push(...describe(meta.errors, 'metadata.'));
  }
  return lines;
}

/**
 * Every object against the schema of its kind, rejecting unknown fields; unknown kinds are errors.
 * The findings of an object under a schema are kept in `cacheDir` by the schema's key and the
 * object's bytes, so that an unchanged object is not validated again (nor its validator loaded).
 */
export function checkSchemas(ctx: ValidationContext, store: SchemaProvider, cacheDir?: string): void {
  const verdicts = cacheDir === undefined ? undefined : new VerdictCache<string[]>(cacheDir, 'schema-verdicts.json');
  for (const subject of ctx.index.objects) {
    const { apiVersion, kind } = subject.manifest;
    const schema = apiVersion && kind ? store.schemaFor(apiVersion, kind) : undefined;
    if (!schema) {
      if (store.customResources) ctx.report(subject, 'unknown-kind', `${apiVersion}/${kind} is neither a ${store.kubernetesVersion ? `Kubernetes ${store.kubernetesVersion}` : 'Kubernetes'} kind nor defined by a CRD in the CRD folder`);
      else ctx.report(subject, 'schema-unchecked', `${apiVersion}/${kind} was not checked: custom resources need the CRD folder (PLATFORM_CRDS_DIR)`);
      continue;
    }
    const lines = verdicts && schema.key
      ? verdicts.outcome(VerdictCache.key(schema.key, subject.manifest), () => schemaLines(schema, store, subject.manifest))
      : schemaLines(schema, store, subject.manifest);
    for (const line of lines.slice(0, MAX_ERRORS_PER_OBJECT)) ctx.report(subject, 'schema', line);
    if (lines.length > MAX_ERRORS_PER_OBJECT) ctx.report(subject, 'schema', `... and ${lines.length - MAX_ERRORS_PER_OBJECT} more schema errors`);
  }
  verdicts?.save();
}
