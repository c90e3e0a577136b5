import { REPORT_FILE } from '../synth/outputs';
import { removalSummary } from './argocd-plan';
import { keyFields } from './key-fields';
import type { AppDiff } from './changes';
import { TreeDiff, hasChanges } from './object-diff';
import { reportSummaryLines } from './report-diff';

/** GitHub refuses comments longer than this. */
export const COMMENT_LIMIT = 65_536;

export function planLine(diff: TreeDiff): string {
  const t = diff.totals;
  if (!hasChanges(diff)) return `No changes: ${t.unchanged} objects identical${diff.report ? `; ${REPORT_FILE}, the generated report, differs` : ''}.`;
  return `Plan: ${t.added} to add, ${t.changed} to change, ${t.renamed} to rename, ${t.removed} to remove (${t.unchanged} unchanged).`;
}

/** The plan's lines after the totals: what Argo CD does with the removed objects, then every data warning. */
function consequenceLines(diff: TreeDiff): string[] {
  const lines: string[] = [];
  const removals = removalSummary(diff.plan);
  if (removals) lines.push(removals);
  for (const d of diff.plan.data) lines.push(`DATA ${d.key} (${d.app}): ${d.message}`);
  return lines;
}

function appCounts(d: AppDiff): string {
  return [
    d.added.length && `+${d.added.length}`, d.changed.length && `~${d.changed.length}`,
    d.renamed.length && `→${d.renamed.length}`, d.removed.length && `-${d.removed.length}`,
  ].filter(Boolean).join(' ');
}

function appLines(diff: TreeDiff, d: AppDiff): string[] {
  const fields = (c: AppDiff['added'][number]) => {
    const f = keyFields(c.manifest);
    return f ? `: ${f}` : '';
  };
  const fate = (key: string) => {
    const f = diff.plan.fates.get(key);
    return f ? ` (${f.kind})` : '';
  };
  // Each distinct reason once, after the objects it applies to.
  const reasons = [...new Set([...d.removed.map(c => c.key), ...d.renamed.map(c => c.from!)]
    .map(key => diff.plan.fates.get(key)).filter(f => f !== undefined).map(f => `${f.kind}: ${f.reason}`))];
  return [
    ...d.added.map(c => `+ ${c.key}${fields(c)}`),
    ...d.removed.map(c => `- ${c.key}${fate(c.key)}`),
    ...d.renamed.map(c => `→ ${c.from} renamed to ${c.key}${fate(c.from!)}`),
    ...d.changed.map(c => `~ ${c.key}`),
    ...reasons.map(r => `  ${r}`),
  ];
}

/** For a terminal: the plan line and what Argo CD will do, then per app the objects and their patches, then the report's summary. */
export function formatDiffText(diff: TreeDiff): string {
  const lines = [planLine(diff), ...consequenceLines(diff)];
  for (const d of diff.apps) {
    lines.push('', `${d.app} (${appCounts(d)})`, ...appLines(diff, d).map(l => `  ${l}`));
    for (const c of [...d.renamed, ...d.changed]) lines.push('', c.patch ?? '');
  }
  if (diff.report) lines.push('', ...reportSummaryLines(diff.report.before, diff.report.after, REPORT_FILE));
  return lines.join('\n');
}

/**
 * A pull request comment: summary table first, then a collapsed section per app with its patches.
 * Past GitHub's limit, sections are dropped from the end and a note says which.
 */
export function formatDiffMarkdown(diff: TreeDiff, limit = COMMENT_LIMIT): string {
  const head = [`### Rendered manifests`, '', planLine(diff)];
  const consequences = consequenceLines(diff);
  if (consequences.length) head.push('', ...consequences.map(l => `- ${l.replace(/^DATA /, '⚠ **data** ')}`));
  if (hasChanges(diff)) {
    head.push('', '| app | added | changed | renamed | removed |', '| --- | ---: | ---: | ---: | ---: |');
    for (const d of diff.apps) head.push(`| \`${d.app}\` | ${d.added.length} | ${d.changed.length} | ${d.renamed.length} | ${d.removed.length} |`);
  }
  const sections = diff.apps.map(d => [
    '', `<details><summary><code>${d.app}</code> (${appCounts(d)})</summary>`, '',
    ...appLines(diff, d).map(l => `- ${l.replace(/^(\S+) /, '`$1` ')}`),
    ...([...d.renamed, ...d.changed].length ? ['', '```diff', ...[...d.renamed, ...d.changed].map(c => c.patch ?? ''), '```'] : []),
    '', '</details>',
  ].join('\n'));
  if (diff.report) {
    const [title, ...rest] = reportSummaryLines(diff.report.before, diff.report.after, REPORT_FILE);
    sections.push(['', `<details><summary>${title}</summary>`, '', '```diff', ...rest.map(l => l.replace(/^ {4}([+-]) /, '$1 ')), '```', '', '</details>'].join('\n'));
  }

  let body = head.join('\n');
  const names = [...diff.apps.map(d => d.app), ...(diff.report ? [REPORT_FILE] : [])];
  const cut: string[] = [];
  for (const [i, section] of sections.entries()) {
    const rest = names.slice(i);
    const named = rest.length > 20 ? `${rest.slice(0, 20).join(', ')} and ${rest.length - 20} more` : rest.join(', ');
    const note = `\n\n_${rest.length} section(s) cut to stay under GitHub's ${limit}-character comment limit: ${named}. Run \`npm run diff\` locally for the full diff._`;
    if (body.length + section.length + note.length > limit) {
      cut.push(note);
      break;
    }
    body += `\n${section}`;
  }
  return body + (cut[0] ?? '');
}
