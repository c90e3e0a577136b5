import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

// The repository explains itself: code cites the write-ups it is modelled on as "seed NNN", which
// is the page docs/sources/seed-NNN.md. These checks keep citations and pages in step, and keep
// the pages' "where" columns pointing at files that exist.

const ROOT = path.resolve(__dirname, '..');
const SOURCES_DIR = 'docs/sources';
const DECISIONS = 'docs/decisions.md';
/** Where citations live: the code, and the README and guides that summarize it. */
const CITING = ['lib', 'charts', 'app/src', 'README.md', 'docs'];

/** "seed 002", "Seeds 002 and 004", "seeds 000, 002 or 004"; not "seed data" or "seeded". */
const CITATION = /\bseeds?\s+(\d{3}(?:(?:\s*,\s*|\s+and\s+|\s+or\s+)\d{3})*)\b/gi;

/** The seed numbers a text cites. */
function citedSeeds(text: string): string[] {
  return [...text.matchAll(CITATION)].flatMap(m => m[1].match(/\d{3}/g) ?? []);
}

/** Repository-relative paths of the files under `entry` (or `entry` itself) with one of `extensions`. */
function filesUnder(entry: string, extensions: string[]): string[] {
  const full = path.join(ROOT, entry);
  if (!fs.existsSync(full)) return [];
  if (fs.statSync(full).isFile()) return [entry];
  return (fs.readdirSync(full, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter(d => d.isFile() && extensions.some(ext => d.name.endsWith(ext)))
    .map(d => path.relative(ROOT, path.join(d.parentPath, d.name)))
    .filter(file => !file.split(path.sep).includes('node_modules'))
    .sort();
}

const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');
const pageOf = (seed: string) => `${SOURCES_DIR}/seed-${seed}.md`;
const pages = filesUnder(SOURCES_DIR, ['.md']).filter(f => /seed-\d{3}\.md$/.test(f));
const docs = [...pages, `${SOURCES_DIR}/README.md`, DECISIONS];

/** A repository path in backticks: `lib/data/valkey.ts`. Folders and patterns (`dist/<category>/*`) are not checked. */
const REPO_FILE = /^(?:lib|charts|app|test|docs|scripts|bench|imports)\/[\w.@/-]+\.[a-z]+$/;
const backticked = (text: string) => [...text.matchAll(/`([^`]+)`/g)].map(m => m[1]);

/** The cells of the "where" column of every Markdown table in `text` whose header has one. */
function whereCells(text: string): { line: number; cell: string }[] {
  const cells: { line: number; cell: string }[] = [];
  const lines = text.split('\n');
  let column = -1;
  lines.forEach((line, i) => {
    if (!line.startsWith('|')) { column = -1; return; }
    const row = line.split('|').slice(1, -1).map(c => c.trim());
    if (column < 0) { column = row.indexOf('where'); return; }
    if (row.every(c => /^:?-+:?$/.test(c))) return;
    cells.push({ line: i + 1, cell: row[column] ?? '' });
  });
  return cells;
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
const anchorOf = (heading: string) => heading.trim().toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-');

describe('docs/sources: the write-ups the code cites', () => {
  it('reads "seed NNN" citations, singly and in lists, and nothing else', () => {
    expect(citedSeeds('Retries (seed 000): 5 attempts')).toEqual(['000']);
    expect(citedSeeds('Seeds 002 and 004: metrics')).toEqual(['002', '004']);
    expect(citedSeeds('a single-node cluster (seeds 000, 002 or 004)')).toEqual(['000', '002', '004']);
    expect(citedSeeds('as the seed data spells them; seeded with 400 users; geqo_seed')).toEqual([]);
  });

  it('has a page for every seed that lib/, charts/, app/src/, the README or the guides cite', () => {
    const citations = CITING.flatMap(entry => filesUnder(entry, ['.ts', '.md']))
      .flatMap(file => read(file).split('\n').flatMap((text, i) => citedSeeds(text).map(seed => ({ at: `${file}:${i + 1}`, seed }))));
    expect(citations.length).toBeGreaterThan(0);
    const missing = citations.filter(c => !fs.existsSync(path.join(ROOT, pageOf(c.seed)))).map(c => `${c.at}: seed ${c.seed} has no ${pageOf(c.seed)}`);
    expect(missing).toEqual([]);
  });

  it('lists every page in the index, and every page the index links to exists', () => {
    const index = read(`${SOURCES_DIR}/README.md`);
    const linked = [...index.matchAll(/\]\((seed-\d{3}\.md)\)/g)].map(m => `${SOURCES_DIR}/${m[1]}`);
    expect([...new Set(linked)].sort()).toEqual(pages);
    expect(pages.length).toBeGreaterThan(0);
  });

  it('says on every page what the write-up describes, where it was published, and what the platform takes', () => {
    for (const page of pages) {
      const text = read(page);
      for (const part of ['## The setup it describes', '## Source', '**Title**', '**Author**', '**URL**', '## Decisions and numbers taken from it']) {
        expect(text, `${page} lacks ${part}`).toContain(part);
      }
    }
  });

  it('names a file that exists in every row of a "where" column', () => {
    const problems = docs.flatMap(doc => whereCells(read(doc)).flatMap(({ line, cell }) => {
      const named = backticked(cell).filter(t => REPO_FILE.test(t));
      if (cell === '-') return [];
      if (!named.length) return [`${doc}:${line}: the "where" cell names no file: ${cell}`];
      return named.filter(f => !fs.existsSync(path.join(ROOT, f))).map(f => `${doc}:${line}: ${f} does not exist`);
    }));
    expect(problems).toEqual([]);
  });

  it('names only files that exist anywhere in the pages and the decisions', () => {
    const problems = docs.flatMap(doc => backticked(read(doc)).filter(t => REPO_FILE.test(t)).filter(f => !fs.existsSync(path.join(ROOT, f))).map(f => `${doc}: ${f} does not exist`));
    expect(problems).toEqual([]);
  });

  it('links only to decisions that docs/decisions.md has', () => {
    const anchors = new Set([...read(DECISIONS).matchAll(/^#{2,3} (.+)$/gm)].map(m => anchorOf(m[1])));
    const broken = docs.flatMap(doc => [...read(doc).matchAll(/decisions\.md#([\w-]+)/g)].map(m => m[1]).filter(a => !anchors.has(a)).map(a => `${doc}: #${a}`));
    expect(broken).toEqual([]);
  });
});
