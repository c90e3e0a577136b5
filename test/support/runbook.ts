import { spawnSync, SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';

/** A fenced `sh` block of a runbook, under the headings it sits in. */
export interface RunbookBlock {
  /** The headings above it, outermost first, without the `#`s. */
  readonly headings: readonly string[];
  readonly code: string;
  /** 1-based line of the opening fence, for messages. */
  readonly line: number;
}

/** Every fenced `sh` block of a Markdown file, in order; other fenced blocks are skipped whole. */
export function runbookBlocks(file: string): RunbookBlock[] {
  const blocks: RunbookBlock[] = [];
  const headings: string[] = [];
  let open: { line: number; lang: string; lines: string[] } | undefined;
  fs.readFileSync(file, 'utf8').split('\n').forEach((text, i) => {
    if (open) {
      if (!/^```\s*$/.test(text)) open.lines.push(text);
      else {
        if (open.lang === 'sh') blocks.push({ headings: [...headings], code: `${open.lines.join('\n')}\n`, line: open.line });
        open = undefined;
      }
      return;
    }
    const heading = /^(#{1,6}) (.+)$/.exec(text);
    const fence = /^```(\S*)\s*$/.exec(text);
    if (heading) headings.splice(heading[1].length - 1, Infinity, heading[2].trim());
    else if (fence) open = { line: i + 1, lang: fence[1], lines: [] };
  });
  if (open) throw new Error(`${file}:${open.line}: a fenced block is never closed`);
  return blocks;
}

/** Blocks that talk to a cluster: they cannot run in the tests, which check what they name instead. */
export const isClusterStep = (block: RunbookBlock) => /\bkubectl\b/.test(block.code);

/** The blocks under a heading (at any depth), failing when there are none. */
export function blocksUnder(blocks: RunbookBlock[], heading: string): RunbookBlock[] {
  const found = blocks.filter(b => b.headings.includes(heading));
  if (!found.length) throw new Error(`the runbook has no sh block under a heading "${heading}"`);
  return found;
}

/**
 * Runs blocks one after the other in one bash, as a reader pastes them into one terminal, with
 * `-e -u -o pipefail` so that any failing command (or unset variable) stops it.
 */
export function runBlocks(blocks: RunbookBlock[], options: { env: NodeJS.ProcessEnv; cwd: string; timeoutMs?: number; uid?: number; gid?: number }): SpawnSyncReturns<string> {
  const script = blocks.map(b => b.code).join('');
  const { env, cwd, uid, gid } = options;
  return spawnSync('bash', ['--norc', '--noprofile', '-euo', 'pipefail', '-c', script], { cwd, env, uid, gid, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: options.timeoutMs ?? 120_000 });
}
