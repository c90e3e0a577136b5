import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError, parseNewAppArgs } from '../lib/scaffold/options';
import { crdsDir, schemasDir } from '../lib/schema-sources';
import { REGISTRY_MARKER, registerApp, registerImage } from '../lib/scaffold/register';
import { copyProject } from './support/platform';

const usageError = (argv: string[]) => {
  try {
    parseNewAppArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) return error.message.split('\n')[0];
    throw error;
  }
  return undefined;
};

describe('npm run new-app: its command line', () => {
  it('takes a name and the flags, with apps as the default category', () => {
    expect(parseNewAppArgs(['wiki'])).toEqual({ name: 'wiki', category: 'apps', postgres: false, valkey: false, publicHost: undefined });
    expect(parseNewAppArgs(['wiki', '--category', 'tools', '--postgres', '--valkey', '--public', 'wiki.example.org', '--image', 'ghcr.io/example/wiki:1.2.3', '--port', '8000', '--health-path', '/healthz']))
      .toEqual({ name: 'wiki', category: 'tools', postgres: true, valkey: true, publicHost: 'wiki.example.org', image: 'ghcr.io/example/wiki:1.2.3', port: 8000, healthPath: '/healthz' });
  });

  it('refuses an image without a version, a port out of range and a relative health path, naming the flag', () => {
    expect(usageError(['wiki', '--image', 'ghcr.io/example/wiki'])).toBe('--image: "ghcr.io/example/wiki" is not pinned to a version; give its tag, e.g. ghcr.io/example/wiki:1.2.3');
    expect(usageError(['wiki', '--image', 'ghcr.io/example/wiki:latest'])).toBe('--image: "ghcr.io/example/wiki:latest" is not pinned to a version; give its tag, e.g. ghcr.io/example/wiki:1.2.3');
    expect(usageError(['wiki', '--port', '80800'])).toBe('--port: "80800" is not a port (1-65535)');
    expect(usageError(['wiki', '--health-path', 'health'])).toBe('--health-path: "health" is not an absolute path (it starts with /)');
  });

  it('pins the image in lib/images.ts, refusing a name already taken', () => {
    const images = "export const IMAGES = {\n  whoami: 'docker.io/traefik/whoami:v1.11.0',\n} as const;\n";
    expect(registerImage(images, 'wiki', 'ghcr.io/example/wiki:1.2.3', 'wiki')).toBe("export const IMAGES = {\n  whoami: 'docker.io/traefik/whoami:v1.11.0',\n  /** wiki, added by `npm run new-app`. */\n  wiki: 'ghcr.io/example/wiki:1.2.3',\n} as const;\n");
    expect(() => registerImage(images, 'whoami', 'ghcr.io/example/whoami:1.0.0', 'whoami')).toThrow('lib/images.ts: IMAGES already has a pin named whoami');
  });

  it('rejects bad names and flags before any work, naming the flag', () => {
    expect(usageError([])).toBe('<name>: missing');
    expect(usageError(['Wiki'])).toBe('<name>: "Wiki" is not a DNS label starting with a letter (lowercase letters, digits and \'-\', at most 63 characters, starting and ending with a letter or digit)');
    expect(usageError(['wiki', 'notes'])).toBe('notes: one app name only (already given: wiki)');
    expect(usageError(['platform'])).toBe('<name>: "platform" is charts/platform.ts itself; choose another name');
    expect(usageError(['wiki', '--redis'])).toBe('--redis: unknown flag');
    expect(usageError(['wiki', '--public'])).toBe('--public: needs a value');
    expect(usageError(['wiki', '--public', 'Wiki_Example'])).toBe('--public: "Wiki_Example" is not a fully qualified hostname (lowercase letters, digits, \'-\' and \'.\', at least two labels, each starting and ending with a letter or digit)');
    expect(usageError(['wiki', '--category', 'My Apps'])).toBe('--category: "My Apps" is not a DNS label (lowercase letters, digits and \'-\', at most 63 characters, starting and ending with a letter or digit)');
  });

  it('lists the chart above the marker in PLATFORM_APPS, and refuses a platform.ts without one', () => {
    const source = `import { A } from './a';\n\nexport const PLATFORM_APPS = [\n  platform => new A(platform),\n  ${REGISTRY_MARKER}\n];\n`;
    expect(registerApp(source, 'wiki', 'WikiChart')).toBe(`import { A } from './a';\nimport { WikiChart } from './wiki';\n\nexport const PLATFORM_APPS = [\n  platform => new A(platform),\n  platform => new WikiChart(platform),\n  ${REGISTRY_MARKER}\n];\n`);
    expect(() => registerApp('export const PLATFORM_APPS = [];\n', 'wiki', 'WikiChart')).toThrow(`charts/platform.ts: has no line "${REGISTRY_MARKER}"`);
  });
});

// The invariant suites: each runs over the platform and the platform with the sample app.
const INVARIANT_SUITES = [
  'test/charts.test.ts', 'test/data-layer.test.ts', 'test/entry-points.test.ts', 'test/gitops.test.ts',
  'test/network-policies.test.ts', 'test/report.test.ts', 'test/secrets-and-projects.test.ts',
];

describe('npm run new-app on a copy of the repository', () => {
  let project: string;
  beforeAll(() => { project = copyProject(['README.md', 'docs', 'test', 'vitest.config.mts']); });
  afterAll(() => fs.rmSync(project, { recursive: true, force: true }));
  // The copy sits in a temporary folder: point it at the schemas and CRDs this repository validates with.
  const env = { ...process.env, PLATFORM_SCHEMAS_DIR: schemasDir(), PLATFORM_CRDS_DIR: crdsDir() };
  const run = (command: string, args: string[]) => spawnSync(command, args, { cwd: project, encoding: 'utf8', env });

  it('writes nothing when a flag is bad, and exits 2 naming it', () => {
    const result = run('node', ['--import', 'tsx', 'scripts/new-app.ts', 'notes', '--public', 'not a host']);
    expect(result.status).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe('--public: "not a host" is not a fully qualified hostname (lowercase letters, digits, \'-\' and \'.\', at least two labels, each starting and ending with a letter or digit)');
    expect(fs.existsSync(path.join(project, 'charts/notes.ts'))).toBe(false);
  });

  it('leaves what it was not told as fillIn calls, and synth fails naming each with its file and line, writing nothing', () => {
    const before = ['charts/platform.ts', 'lib/images.ts'].map(f => fs.readFileSync(path.join(project, f), 'utf8'));
    const scaffold = run('node', ['--import', 'tsx', 'scripts/new-app.ts', 'draft', '--port', '8000']);
    expect(scaffold.status, scaffold.stderr).toBe(0);
    const chart = fs.readFileSync(path.join(project, 'charts/draft.ts'), 'utf8').split('\n');
    const line = (key: string) => chart.findIndex(l => l.includes(`fillIn<`) && l.includes(`'${key}'`)) + 1;
    expect(scaffold.stdout).toContain(`Left to fill in (npm run synth fails naming each until you do):\n  charts/draft.ts:${line('image')}: image\n  charts/draft.ts:${line('healthPath')}: healthPath\n`);
    expect(chart.some(l => l.includes("fillIn<number>('port'"))).toBe(false);
    const synth = run('node', ['scripts/launch.cjs', 'main.ts']);
    expect(synth.status).toBe(2);
    expect(synth.stderr).toContain(`2 values left to fill in, written by \`npm run new-app\`; replace each fillIn(...) with the value:\n  charts/draft.ts:${line('image')}: image: the container image, pinned to a version: add it to IMAGES in lib/images.ts as draft`);
    expect(synth.stderr).toContain(`\n  charts/draft.ts:${line('healthPath')}: healthPath: the path that answers 2xx once the app serves`);
    expect(synth.stderr).toContain('Nothing was written.');
    expect(fs.existsSync(path.join(project, 'dist/apps/draft'))).toBe(false);
    // Back to the repository as it was, for the next test.
    fs.rmSync(path.join(project, 'charts/draft.ts'));
    ['charts/platform.ts', 'lib/images.ts'].forEach((f, i) => fs.writeFileSync(path.join(project, f), before[i]));
  }, 300_000);

  it('scaffolds an app with every flag; the next synth passes, and so does every invariant suite over the result', () => {
    const scaffold = run('node', ['--import', 'tsx', 'scripts/new-app.ts', 'notes', '--category', 'apps', '--postgres', '--valkey', '--public', 'notes.example.org', '--image', 'ghcr.io/example/notes:2.14.7', '--port', '8000', '--health-path', '/api/health']);
    expect(scaffold.status, scaffold.stderr).toBe(0);
    expect(fs.readFileSync(path.join(project, 'charts/platform.ts'), 'utf8')).toContain("import { NotesChart } from './notes';");
    expect(fs.readFileSync(path.join(project, 'lib/images.ts'), 'utf8')).toContain("  notes: 'ghcr.io/example/notes:2.14.7',\n} as const;");
    expect(fs.readFileSync(path.join(project, 'charts/notes.ts'), 'utf8')).not.toContain('fillIn');
    expect(run('node', ['scripts/launch.cjs', 'main.ts', '--check']).status).toBe(3);
    const synth = run('node', ['scripts/launch.cjs', 'main.ts']);
    expect(synth.status, synth.stderr).toBe(0);
    expect(synth.stdout).not.toContain('warning notes');
    expect(fs.readdirSync(path.join(project, 'dist/apps/notes'))).toEqual(expect.arrayContaining([
      'deployment-notes.yaml', 'externalsecret-notes-postgres.yaml', 'ingress-notes.yaml', 'certificate-notes.yaml', 'statefulset-postgres.yaml', 'statefulset-valkey.yaml',
    ]));
    const deployment = fs.readFileSync(path.join(project, 'dist/apps/notes/deployment-notes.yaml'), 'utf8');
    expect(deployment).toContain('image: ghcr.io/example/notes:2.14.7');
    expect(deployment).toContain('containerPort: 8000');
    expect(deployment.match(/path: \/api\/health\n/g)).toHaveLength(2);
    // Only the platform's project: the copy has no app/.
    fs.writeFileSync(path.join(project, 'vitest.config.mts'), "import { defineConfig } from 'vitest/config';\nexport default defineConfig({ test: { include: ['test/**/*.test.ts'], testTimeout: 120_000 } });\n");
    // In one worker's modules (--no-isolate): the suites only read the platform, and each would
    // otherwise spend most of its time importing it again: the seven took 18.7 s instead of 24.5 s.
    const suites = run(path.join(project, 'node_modules/.bin/vitest'), ['run', '--no-isolate', ...INVARIANT_SUITES]);
    expect(suites.status, suites.stdout.slice(-3000)).toBe(0);
  }, 600_000);
});
