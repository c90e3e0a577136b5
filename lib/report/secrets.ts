import { IConstruct } from 'constructs';
import { credentialsOf } from '../secrets/external-secret';
import { wrap } from './architecture';

const code = (s: string) => `\`${s}\``;

/** One row of the store-items table per Secret an ExternalSecret creates. */
export function storeItemRows(root: IConstruct): string[] {
  return credentialsOf(root).external.map(s => `| ${s.namespace} | ${code(s.name)} | ${s.keys.map(code).join(', ')} | ${code(s.item)} | ${s.usedBy} |`);
}

/** One row of the pre-created table per Secret declared with preCreatedSecret(). */
export function preCreatedRows(root: IConstruct): string[] {
  return credentialsOf(root).preCreated.map(s => `| ${s.namespace} | ${code(s.name)} | ${s.keys.map(code).join(', ')} | ${s.usedBy} |`);
}

/** One list item per credential, for the report: no line wider than the report's width. */
export function storeItemEntries(root: IConstruct): string[] {
  return credentialsOf(root).external.flatMap(s => wrap(`${s.namespace}/${code(s.name)}: keys ${s.keys.map(code).join(', ')}; store item ${code(s.item)}; used by ${s.usedBy}`, { item: true }));
}

export function preCreatedEntries(root: IConstruct): string[] {
  return credentialsOf(root).preCreated.flatMap(s => wrap(`${s.namespace}/${code(s.name)}: keys ${s.keys.map(code).join(', ')}; used by ${s.usedBy}`, { item: true }));
}

/**
 * The section of dist/README.md that lists every credential: the items the secret store must hold
 * and the Secrets to create by hand. The guides' tables (docs/operations.md) are checked against
 * the rows of storeItemRows and preCreatedRows.
 */
export function secretsSection(root: IConstruct): string {
  return [
    '',
    '## Secrets',
    '',
    'Items the secret store must hold, one per Secret an ExternalSecret creates (namespace/Secret):',
    '',
    ...storeItemEntries(root),
    '',
    'Secrets to create by hand before the first sync:',
    '',
    ...preCreatedEntries(root),
    '',
  ].join('\n');
}
