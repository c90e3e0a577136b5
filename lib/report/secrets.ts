import { IConstruct } from 'constructs';
import { credentialsOf } from '../secrets/external-secret';

const code = (s: string) => `\`${s}\``;

/** One row of the store-items table per Secret an ExternalSecret creates. */
export function storeItemRows(root: IConstruct): string[] {
  return credentialsOf(root).external.map(s => `| ${s.namespace} | ${code(s.name)} | ${s.keys.map(code).join(', ')} | ${code(s.item)} | ${s.usedBy} |`);
}

/** One row of the pre-created table per Secret declared with preCreatedSecret(). */
export function preCreatedRows(root: IConstruct): string[] {
  return credentialsOf(root).preCreated.map(s => `| ${s.namespace} | ${code(s.name)} | ${s.keys.map(code).join(', ')} | ${s.usedBy} |`);
}

/**
 * The section of dist/README.md that lists every credential: the items the secret store must hold
 * and the Secrets to create by hand. The README's own tables are checked against these rows.
 */
export function secretsSection(root: IConstruct): string {
  return [
    '',
    '## Secrets',
    '',
    'Items the secret store must hold, one per Secret an ExternalSecret creates:',
    '',
    '| namespace | Secret | keys | store item | used by |',
    '| --- | --- | --- | --- | --- |',
    ...storeItemRows(root),
    '',
    'Secrets to create by hand before the first sync:',
    '',
    '| namespace | Secret | keys | used by |',
    '| --- | --- | --- | --- |',
    ...preCreatedRows(root),
    '',
  ].join('\n');
}
