import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from '../lib/paths';
import { type NextRelease, nextRelease as computeNextRelease } from '../lib/release/next-release';
import { RELEASE_TOOLS_DIR, RELEASE_TOOLS_INSTALL } from '../lib/release/tools';

/**
 * The release workflow's version step, run for real: semantic-release (dry run, no CI, from
 * tools/release) over a throwaway git repository whose remote is a local bare repository,
 * configured by the very app/.releaserc.json the workflow uses.
 */
const SCRIPT = path.join(REPO_ROOT, 'scripts/release-version.ts');
const CONFIG = path.join(REPO_ROOT, 'app/.releaserc.json');
const TAG_PREFIX = 'url-shortener-v';
const roots: string[] = [];
afterAll(() => roots.forEach(dir => fs.rmSync(dir, { recursive: true, force: true })));

// Outside any CI: semantic-release must read the branch from git, never from a runner's variables.
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(CI|GITHUB_|GITLAB_|BUILDKITE|CIRCLE|TRAVIS|JENKINS|NPM_TOKEN|GH_TOKEN)/.test(k)));
const gitEnv = { ...env, GIT_AUTHOR_NAME: 'test', GIT_AUTHOR_EMAIL: 'test@example.org', GIT_COMMITTER_NAME: 'test', GIT_COMMITTER_EMAIL: 'test@example.org' };

interface Commit {
  readonly message: string;
  /** Path of the file the commit touches: inside app/ by default. */
  readonly file?: string;
}

/** A repository holding the service (app/) and something else (charts/), pushed to a bare remote. */
function throwawayRepository(history: { tag?: string; commits: Commit[] }[]): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'release-version-'));
  roots.push(root);
  const remote = path.join(root, 'remote.git');
  const work = path.join(root, 'work');
  const git = (...args: string[]) => execFileSync('git', args, { cwd: work, env: gitEnv, encoding: 'utf8' });
  execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch=main', remote]);
  fs.mkdirSync(path.join(work, 'app'), { recursive: true });
  fs.mkdirSync(path.join(work, 'charts'));
  git('init', '--quiet', '--initial-branch=main');
  git('remote', 'add', 'origin', `file://${remote}`);
  fs.copyFileSync(CONFIG, path.join(work, 'app/.releaserc.json'));
  fs.writeFileSync(path.join(work, 'app/package.json'), `${JSON.stringify({ name: 'url-shortener', private: true })}\n`);
  fs.writeFileSync(path.join(work, 'charts/platform.ts'), '// the platform\n');
  git('add', '.');
  git('commit', '--quiet', '-m', 'chore: initial layout');
  let n = 0;
  for (const step of history) {
    for (const commit of step.commits) {
      const file = path.join(work, commit.file ?? 'app/server.ts');
      fs.appendFileSync(file, `// change ${++n}\n`);
      git('add', '.');
      git('commit', '--quiet', '-m', commit.message);
    }
    if (step.tag) git('tag', step.tag);
  }
  git('push', '--quiet', '--tags', 'origin', 'main');
  return work;
}

/** The script itself, as the release workflow runs it: its exit code and the JSON it prints. */
function nextReleaseByScript(work: string): NextRelease {
  const run = spawnSync(process.execPath, ['--import', 'tsx', SCRIPT, '--dir', path.join(work, 'app'), '--no-ci'], { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: 120_000 });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout);
}

/**
 * What the script computes, in this process: semantic-release loads once for all the cases (a run of
 * the script spends most of its 2.5 s loading it).
 */
async function nextRelease(work: string): Promise<NextRelease> {
  const cwd = process.cwd();
  try {
    return await computeNextRelease(path.join(work, 'app'), { ci: false, env, log: new Writable({ write: (_chunk, _encoding, done) => done() }) });
  } finally {
    process.chdir(cwd);
  }
}

describe('the next version of the URL shortener (semantic-release, app/.releaserc.json)', () => {
  const released = { tag: `${TAG_PREFIX}1.2.3`, commits: [{ message: 'feat: shorten URLs' }] };

  it('releases 1.0.0 first, when no release tag exists yet (the script, printing JSON)', () => {
    const release = nextReleaseByScript(throwawayRepository([{ commits: [{ message: 'feat: shorten URLs' }] }]));
    expect(release).toMatchObject({ version: '1.0.0', tag: `${TAG_PREFIX}1.0.0` });
  });

  it('makes a fix a patch release', async () => {
    const release = await nextRelease(throwawayRepository([released, { commits: [{ message: 'fix: answer 404 for an unknown code' }] }]));
    expect(release).toMatchObject({ version: '1.2.4', tag: `${TAG_PREFIX}1.2.4` });
    expect(release.notes).toMatch(/### Bug Fixes\n\n\* answer 404 for an unknown code/);
  });

  it('makes a feature a minor release, whatever fixes come with it', async () => {
    const release = await nextRelease(throwawayRepository([released, { commits: [{ message: 'fix: trim slugs' }, { message: 'feat: custom slugs' }] }]));
    expect(release.version).toBe('1.3.0');
    expect(release.notes).toMatch(/### Features\n\n\* custom slugs/);
  });

  it('makes a breaking change a major release, marked with ! or a BREAKING CHANGE footer', async () => {
    const bang = await nextRelease(throwawayRepository([released, { commits: [{ message: 'feat!: drop the v1 API' }] }]));
    const footer = await nextRelease(throwawayRepository([released, { commits: [{ message: 'fix: stricter codes\n\nBREAKING CHANGE: codes are case-sensitive' }] }]));
    expect([bang.version, footer.version]).toEqual(['2.0.0', '2.0.0']);
    expect(footer.notes).toContain('codes are case-sensitive');
  });

  it('releases nothing for chores, docs and refactors', async () => {
    const release = await nextRelease(throwawayRepository([released, { commits: [{ message: 'chore: bump a dev tool' }, { message: 'docs: explain slugs' }, { message: 'refactor: split routes' }] }]));
    expect(release).toEqual({ version: null, tag: null, notes: '' });
  });

  it('counts only commits touching app/: a platform feature releases no new image', async () => {
    const only = await nextRelease(throwawayRepository([released, { commits: [{ message: 'feat: a new chart', file: 'charts/platform.ts' }] }]));
    const mixed = await nextRelease(throwawayRepository([released, { commits: [{ message: 'feat: a new chart', file: 'charts/platform.ts' }, { message: 'fix: trim slugs' }] }]));
    expect(only.version).toBeNull();
    expect(mixed.version).toBe('1.2.4');
  });

  it('counts from the last release tag, not from the beginning', async () => {
    const release = await nextRelease(throwawayRepository([
      { tag: `${TAG_PREFIX}1.2.3`, commits: [{ message: 'feat!: first API' }] },
      { tag: `${TAG_PREFIX}1.2.4`, commits: [{ message: 'fix: trim slugs' }] },
      { commits: [{ message: 'fix: stricter codes' }] },
    ]));
    expect(release.version).toBe('1.2.5');
  });
});

describe('the release tooling (tools/release), apart from the root install', () => {
  const json = (file: string) => JSON.parse(fs.readFileSync(path.join(REPO_ROOT, file), 'utf8'));
  const tools = json('tools/release/package.json') as { dependencies: Record<string, string> };
  const names = Object.keys(tools.dependencies);

  it('pins exact versions, which its own lock file installs', () => {
    expect(names).toEqual(expect.arrayContaining(['semantic-release', 'renovate', '@action-validator/cli']));
    const lock = json('tools/release/package-lock.json') as { packages: Record<string, { version?: string }> };
    for (const [name, version] of Object.entries(tools.dependencies)) {
      expect(version, name).toMatch(/^\d+\.\d+\.\d+$/);
      expect(lock.packages[`node_modules/${name}`]?.version, name).toBe(version);
    }
  });

  it('is not in the root install: `npm ci && npm run synth` installs none of it', () => {
    const root = json('package.json') as { dependencies: Record<string, string>; devDependencies: Record<string, string>; workspaces?: string[] };
    const lock = json('package-lock.json') as { packages: Record<string, unknown> };
    for (const name of names) {
      expect({ ...root.dependencies, ...root.devDependencies }, name).not.toHaveProperty([name]);
      expect(Object.keys(lock.packages).filter(k => k.endsWith(`node_modules/${name}`)), name).toEqual([]);
    }
    expect(root.workspaces ?? []).not.toContain(path.relative(REPO_ROOT, RELEASE_TOOLS_DIR));
  });

  it('is installed before whatever uses it: by pretest for `npm test`, on first use for `npm run test:one`; by the workflow jobs that run a release tool', () => {
    // pretest installs it so that no test of `npm test` waits minutes for an install inside its
    // timeout; lib/release/tools.ts installs it when a test run without pretest first reads it.
    const scripts = (json('package.json') as { scripts: Record<string, string> }).scripts;
    expect(scripts.pretest).toBe('scripts/prepare-tests.sh');
    expect(fs.readFileSync(path.join(REPO_ROOT, scripts.pretest), 'utf8')).toContain(RELEASE_TOOLS_INSTALL);
    expect(fs.readFileSync(path.join(REPO_ROOT, 'lib/release/tools.ts'), 'utf8')).toContain('spawnSync(path.join(REPO_ROOT, RELEASE_TOOLS_INSTALL)');
    const usesTools = (command: string) => /npm run (-s )?release:version\b/.test(command);
    const dir = path.join(REPO_ROOT, '.github/workflows');
    let jobsUsing = 0;
    for (const file of fs.readdirSync(dir).filter(f => /\.ya?ml$/.test(f))) {
      const jobs = (parse(fs.readFileSync(path.join(dir, file), 'utf8')) as { jobs: Record<string, { steps?: { run?: string }[] }> }).jobs;
      for (const [name, job] of Object.entries(jobs)) {
        const runs = (job.steps ?? []).map(step => step.run ?? '');
        const first = runs.findIndex(usesTools);
        if (first < 0) continue;
        jobsUsing++;
        // `npm test` no longer installs it (its pretest does not): the job runs the install itself.
        const install = runs.findIndex(r => r.includes(RELEASE_TOOLS_INSTALL));
        expect(install, `${file}: jobs.${name} runs a release tool before ${RELEASE_TOOLS_INSTALL}`).toBeGreaterThanOrEqual(0);
        expect(install, `${file}: jobs.${name}`).toBeLessThan(first);
      }
    }
    expect(jobsUsing).toBeGreaterThan(0);
  });
});
