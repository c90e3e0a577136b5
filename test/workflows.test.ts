import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../lib/paths';
import { releaseToolBin } from '../lib/release/tools';

/**
 * The Git host's workflows: each file checked by a real validator of workflow files
 * (@action-validator/cli of tools/release, the schema GitHub's editor uses), then our own rules: least privilege and
 * actions pinned by commit.
 */
const DIR = path.join(REPO_ROOT, '.github/workflows');
const VALIDATOR = releaseToolBin('action-validator');
const workflows = fs.readdirSync(DIR).filter(f => /\.ya?ml$/.test(f)).sort();
const text = (file: string) => fs.readFileSync(path.join(DIR, file), 'utf8');

interface Job { permissions?: unknown; steps?: { uses?: string; run?: string; with?: Record<string, unknown> }[]; needs?: string | string[] }
const jobsOf = (file: string) => Object.entries((parse(text(file)) as { jobs: Record<string, Job> }).jobs);

function validate(file: string) {
  return spawnSync(VALIDATOR, [file], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
}

describe('.github/workflows/', () => {
  it('holds workflows', () => {
    expect(workflows).toEqual(expect.arrayContaining(['main.yml', 'pull-request.yml']));
  });

  it.each(workflows)('%s passes action-validator', file => {
    const run = validate(path.join(DIR, file));
    expect(run.status, `${run.stdout}${run.stderr}`).toBe(0);
  });

  it('action-validator refuses a broken workflow (the check is real)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'workflow-'));
    try {
      fs.writeFileSync(path.join(dir, 'bad.yml'), 'name: bad\non: push\npermissions:\n  contents: maybe\njobs:\n  a:\n    steps:\n      - run: echo\n');
      const run = validate(path.join(dir, 'bad.yml'));
      expect(run.status).toBe(1);
      expect(`${run.stdout}${run.stderr}`).toContain('"path": "/jobs/a/runs-on"');
      expect(`${run.stdout}${run.stderr}`).toContain('"path": "/permissions/contents"');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each(workflows)('%s grants nothing by default and each job only what it declares', file => {
    expect((parse(text(file)) as { permissions?: unknown }).permissions, `${file}: top-level permissions`).toEqual({});
    for (const [name, job] of jobsOf(file)) {
      expect(job.permissions, `${file}: jobs.${name}.permissions`).toBeTypeOf('object');
      expect(Object.values(job.permissions as object).every(v => v === 'read' || v === 'write'), `${file}: jobs.${name}`).toBe(true);
    }
  });

  it.each(workflows)('%s pins every action by a full commit SHA with its version in a comment', file => {
    const lines = text(file).split('\n');
    const uses = lines.map((line, i) => ({ line, n: i + 1 })).filter(({ line }) => /^\s*-?\s*uses:/.test(line));
    for (const { line, n } of uses) {
      if (/uses:\s*\.\//.test(line)) continue; // a local action is this repository's own code
      expect(line, `${file}:${n}`).toMatch(/uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
    }
  });

  it.each(workflows)('%s runs only npm scripts that package.json defines', file => {
    const scripts = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    const used = [...text(file).matchAll(/npm run (?:-s )?([\w:-]+)/g)].map(m => m[1]);
    for (const name of used) expect(Object.keys(scripts), `${file}: npm run ${name}`).toContain(name);
  });
});

describe('the release in main.yml', () => {
  const jobs = Object.fromEntries(jobsOf('main.yml'));
  const steps = (job: string) => jobs[job]?.steps ?? [];
  const needs = (job: string) => [jobs[job]?.needs ?? []].flat();

  it('releases only after the tests, and pushes only a scanned image', () => {
    expect(needs('version')).toContain('check');
    expect(needs('scan')).toContain('version');
    expect(needs('push')).toEqual(expect.arrayContaining(['version', 'scan']));
    expect(needs('release')).toEqual(expect.arrayContaining(['version', 'push']));
  });

  it('scans every platform it pushes with Trivy, failing on CRITICAL', () => {
    const pushed = steps('push').find(s => s.uses?.startsWith('docker/build-push-action@'))!.with!;
    const platforms = String(pushed.platforms).split(',');
    expect(platforms).toEqual(['linux/amd64', 'linux/arm64']);
    const matrix = (parse(text('main.yml')) as { jobs: { scan: { strategy: { matrix: { include: { platform: string }[] } } } } }).jobs.scan.strategy.matrix.include;
    expect(matrix.map(m => m.platform)).toEqual(platforms);
    const trivy = steps('scan').find(s => s.uses?.startsWith('aquasecurity/trivy-action@'))!.with!;
    expect(trivy).toMatchObject({ severity: 'CRITICAL', 'exit-code': '1' });
    expect(fs.existsSync(path.join(REPO_ROOT, String(pushed.file)))).toBe(true);
  });

  it('grants package and pull-request writes only to the jobs that push an image or open the pull request', () => {
    for (const [name, job] of Object.entries(jobs)) {
      const permissions = job.permissions as Record<string, string>;
      expect(permissions.packages === 'write', `jobs.${name}.permissions.packages`).toBe(name === 'push');
      expect(permissions['pull-requests'] === 'write', `jobs.${name}.permissions.pull-requests`).toBe(name === 'release');
    }
  });
});
