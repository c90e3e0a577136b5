import { uniqueExemptions } from '../validate/format';
import { SynthesisSummary } from './synthesize';

const MAX_LISTED = 20;

/** The lines printed after a synth: totals, then the files that changed. */
export function formatSummary(summary: SynthesisSummary, elapsedMs: number, check = false): string {
  const { result } = summary;
  const lines = [
    `${check ? 'Checked' : 'Synthesized'} ${summary.apps} apps, ${summary.objects} objects, ${summary.files} files in ${Math.round(elapsedMs)} ms`,
    `  added ${result.added.length}, changed ${result.changed.length}, removed ${result.removed.length}, unchanged ${result.unchanged}`,
  ];
  const listed = [
    ...result.added.map(f => `  + ${f}`),
    ...result.changed.map(f => `  ~ ${f}`),
    ...result.removed.map(f => `  - ${f}`),
  ];
  lines.push(...listed.slice(0, MAX_LISTED));
  if (listed.length > MAX_LISTED) lines.push(`  ... and ${listed.length - MAX_LISTED} more`);
  const { warnings, exempted, strictSchemas, schemas } = summary.validation;
  lines.push(`  validated: 0 errors, ${warnings.length} warnings, ${exempted.length} exempted${strictSchemas ? '' : `; schemas: ${schemas}`}`);
  for (const f of warnings) lines.push(`  warning ${f.rule} ${f.object}: ${f.message}`);
  for (const w of summary.warnings) lines.push(`  warning ${w}`);
  // Coverage is for `npm run validate`; a synth only says what went unchecked.
  for (const note of summary.validation.notes.filter(n => n.startsWith('CEL rule not checked'))) lines.push(`  ${note}`);
  for (const f of uniqueExemptions(exempted)) lines.push(`  exempt ${f.rule} ${f.object}: ${f.exemption}`);
  return lines.join('\n');
}
