import { AppDiff, TreeDiff, hasChanges } from './object-diff';

/** GitHub refuses comments longer than this. */
export const COMMENT_LIMIT = 65_536;

export function planLine(diff: TreeDiff): string {
  const t = diff.totals;
  if (!hasChanges(diff)) return `No changes: ${t.unchanged} objects identical.`;
  return `Plan: ${t.added} to add, ${t.changed} to change, ${t.renamed} to rename, ${t.removed} to remove (${t.unchanged} unchanged).`;
}

function appCounts(d: AppDiff): string {
  return [
    d.added.length && `+${d.added.length}`, d.changed.length && `~${d.changed.length}`,
    d.renamed.length && `→${d.renamed.length}`, d.removed.length && `-${d.removed.length}`,
  ].filter(Boolean).join(' ');
}

function appLines(d: AppDiff): string[] {
  return [
    ...d.added.map(c => `+ ${c.key}`),
    ...d.removed.map(c => `- ${c.key}`),
    ...d.renamed.map(c => `→ ${c.from} renamed to ${c.key}`),
    ...d.changed.map(c => `~ ${c.key}`),
  ];
}

/** For a terminal: the plan line, then per app the objects and their patches. */
export function formatDiffText(diff: TreeDiff): string {
  const lines = [planLine(diff)];
  for (const d of diff.apps) {
    lines.push('', `${d.app} (${appCounts(d)})`, ...appLines(d).map(l => `  ${l}`));
    for (const c of [...d.renamed, ...d.changed]) lines.push('', c.patch ?? '');
  }
  return lines.join('\n');
}

/**
 * A pull request comment: summary table first, then a collapsed section per app with its patches.
 * Past GitHub's limit, sections are dropped from the end and a note says which.
 */
export function formatDiffMarkdown(diff: TreeDiff, limit = COMMENT_LIMIT): string {
  const head = [`### Rendered manifests`, '', planLine(diff)];
  if (hasChanges(diff)) {
    head.push('', '| app | added | changed | renamed | removed |', '| --- | ---: | ---: | ---: | ---: |');
    for (const d of diff.apps) head.push(`| \`${d.app}\` | ${d.added.length} | ${d.changed.length} | ${d.renamed.length} | ${d.removed.length} |`);
  }
  const sections = diff.apps.map(d => [
    '', `<details><summary><code>${d.app}</code> (${appCounts(d)})</summary>`, '',
    ...appLines(d).map(l => `- ${l.replace(/^(\S+) /, '`$1` ')}`),
    ...([...d.renamed, ...d.changed].length ? ['', '```diff', ...[...d.renamed, ...d.changed].map(c => c.patch ?? ''), '```'] : []),
    '', '</details>',
  ].join('\n'));

  let body = head.join('\n');
  const cut: string[] = [];
  for (const [i, section] of sections.entries()) {
    const rest = diff.apps.slice(i).map(d => d.app);
    const named = rest.length > 20 ? `${rest.slice(0, 20).join(', ')} and ${rest.length - 20} more` : rest.join(', ');
    const note = `\n\n_${rest.length} app section(s) cut to stay under GitHub's ${limit}-character comment limit: ${named}. Run \`npm run diff\` locally for the full diff._`;
    if (body.length + section.length + note.length > limit) {
      cut.push(note);
      break;
    }
    body += `\n${section}`;
  }
  return body + (cut[0] ?? '');
}
