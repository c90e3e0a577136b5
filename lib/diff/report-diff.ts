/*
 * The generated report (dist/README.md) in a diff: not an object, and not a line diff either. Each
 * of its sections is compared as a set of entries (table rows, list items, diagram lines), so a new
 * workload adds its own rows and edges and nothing else; a section lists what it gained and lost.
 */

/** Entries a section may list before it only counts them. */
const LISTED = 12;

export interface SectionChange {
  readonly section: string;
  readonly added: string[];
  readonly removed: string[];
}

/** The entries of each section (`## Map`, `### Reachable pairs`), by heading. */
function sections(markdown: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current = '(top)';
  let fence = false;
  let last: 'item' | undefined;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fence = !fence;
    if (!fence && /^#{2,3} /.test(line)) {
      current = line.replace(/^#+ /, '');
      out.set(current, out.get(current) ?? []);
      continue;
    }
    const entries = out.get(current) ?? [];
    out.set(current, entries);
    const entry = line.trim();
    if (!fence && line.startsWith('  ') && entry && last === 'item') {
      // A list item wrapped onto the next line.
      entries[entries.length - 1] += ` ${entry}`;
      continue;
    }
    // Table rows but their header and separator; list items (without their marker); diagram lines. Prose is not an entry.
    last = undefined;
    if (entry.startsWith('| ') && !/^\|[\s:|-]+\|$/.test(entry)) entries.push(entry);
    else if (!fence && line.startsWith('- ')) {
      entries.push(entry.slice(2));
      last = 'item';
    } else if (fence && !entry.startsWith('```') && entry) entries.push(entry);
  }
  return out;
}

/** Entries of `a` not in `b`, counting repeats. */
function minus(a: string[], b: string[]): string[] {
  const left = new Map<string, number>();
  for (const x of b) left.set(x, (left.get(x) ?? 0) + 1);
  return a.filter(x => {
    const n = left.get(x) ?? 0;
    if (n > 0) {
      left.set(x, n - 1);
      return false;
    }
    return true;
  });
}

/** What changed in each section of the report, sections in the order of the new report. */
export function reportChanges(before: string, after: string): SectionChange[] {
  const a = sections(before);
  const b = sections(after);
  const names = [...new Set([...b.keys(), ...a.keys()])];
  return names
    .map(section => ({ section, added: minus(b.get(section) ?? [], a.get(section) ?? []), removed: minus(a.get(section) ?? [], b.get(section) ?? []) }))
    .filter(c => c.added.length || c.removed.length);
}

/** Lines for a terminal or a comment: one heading line per changed section, then its entries (at most LISTED). */
export function reportSummaryLines(before: string, after: string, file: string): string[] {
  const changes = reportChanges(before, after);
  if (!changes.length) return [`${file}: only its prose changed`];
  const lines = [`${file} (the generated report; no object): ${changes.length} section${changes.length === 1 ? '' : 's'} changed`];
  for (const c of changes) {
    lines.push(`  ${c.section}: +${c.added.length} −${c.removed.length}`);
    const entries = [...c.removed.map(e => `    - ${e}`), ...c.added.map(e => `    + ${e}`)];
    lines.push(...entries.slice(0, LISTED));
    if (entries.length > LISTED) lines.push(`    … and ${entries.length - LISTED} more`);
  }
  return lines;
}
