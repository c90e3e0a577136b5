/**
 * Turns the Kubernetes OpenAPI v2 spec (api/openapi-spec/swagger.json of k8s.io/kubernetes) into
 * the JSON Schema definitions the validator reads, in the format of cdk8s's kubernetes-schemas
 * (`cdk8s import k8s`): applied to v1.30.0's swagger.json it gives cdk8s's
 * kubernetes-schemas/v1.30.0/_definitions.json byte for byte.
 *
 * Usage: tsx scripts/k8s-definitions.ts <swagger.json> <definitions.json>
 */
import * as fs from 'node:fs';

type Definition = Record<string, any>;

/** The three changes cdk8s makes to upstream definitions. */
export function toDefinitions(swagger: { definitions: Record<string, Definition> }): { definitions: Record<string, Definition> } {
  const definitions: Record<string, Definition> = {};
  for (const [name, upstream] of Object.entries(swagger.definitions)) {
    let definition = structuredClone(upstream);
    // Upstream types these as strings with a format JSON Schema does not know; YAML holds numbers too.
    if (name === 'io.k8s.apimachinery.pkg.util.intstr.IntOrString') definition = { oneOf: [{ type: 'string' }, { type: 'integer' }] };
    else if (name === 'io.k8s.apimachinery.pkg.api.resource.Quantity') definition = { oneOf: [{ type: 'string' }, { type: 'number' }] };
    else {
      // A top-level kind accepts only its own name, so a typo in `kind` is a schema error.
      const gvk = definition['x-kubernetes-group-version-kind'] as { kind: string }[] | undefined;
      if (gvk?.length && definition.properties?.kind) definition.properties.kind.enum = [gvk[0].kind];
    }
    definitions[name] = definition;
  }
  return { definitions };
}

/** JSON as Python's json.dump(indent=2) writes it (non-ASCII escaped), which is what cdk8s publishes. */
export function serialize(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/[\u007f-\uffff]/g, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

if (require.main === module) {
  const [input, output] = process.argv.slice(2);
  if (!input || !output) {
    console.error('usage: tsx scripts/k8s-definitions.ts <swagger.json> <definitions.json>');
    process.exit(1);
  }
  fs.writeFileSync(output, serialize(toDefinitions(JSON.parse(fs.readFileSync(input, 'utf8')))));
}
