import type { ValidateFunction } from 'ajv';
import { KindSchema, SchemaProvider } from './provider';

/**
 * The schemas of the npm package kubernetes-models, used when no schema folder is configured.
 * Not strict: they accept unknown fields, and custom resources go unchecked; reports say so.
 */
export class ModelsSchemaProvider implements SchemaProvider {
  public readonly strict = false;
  public readonly customResources = false;
  public readonly description: string;

  constructor(missingFolder: string) {
    this.description = `kubernetes-models npm schemas, NOT strict (unknown fields pass, custom resources unchecked): no schema folder at ${missingFolder}; set PLATFORM_SCHEMAS_DIR`;
  }

  public schemaFor(apiVersion: string, kind: string): KindSchema | undefined {
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
    let model: new (data: unknown) => { validate(): void };
    try {
      model = require(`kubernetes-models/${group ? `${group}/` : ''}${version}/${kind}`)[kind];
    } catch {
      return undefined;
    }
    if (!model) return undefined;
    return { source: 'kubernetes', validate: modelValidator(model) };
  }

  public objectMeta(): ValidateFunction {
    return modelValidator(require('kubernetes-models/v1/ConfigMap').ConfigMap, data => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: data }));
  }
}

/** An Ajv-style validate function over a kubernetes-models class, whose errors are Ajv's. */
function modelValidator(model: new (data: unknown) => { validate(): void }, wrap: (data: unknown) => unknown = d => d): ValidateFunction {
  const validate = ((data: unknown) => {
    try {
      new model(wrap(data)).validate();
      validate.errors = null;
      return true;
    } catch (error) {
      validate.errors = (error as { errors?: ValidateFunction['errors'] }).errors ?? [{ instancePath: '', schemaPath: '', keyword: 'model', params: {}, message: (error as Error).message }];
      return false;
    }
  }) as ValidateFunction;
  return validate;
}
