import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readObjects } from '../lib/cluster/sources';
import { serialize, toDefinitions } from '../scripts/k8s-definitions';
import { REPO_ROOT, copyProject } from './support/platform';

const SCHEMAS = path.join(REPO_ROOT, 'schemas');

interface Pin { file: string; repo: string; release: string; commit: string; upstream: string }

function pins(): Pin[] {
  return fs.readFileSync(path.join(SCHEMAS, 'sources.tsv'), 'utf8').split('\n')
    .filter(line => line && !line.startsWith('#'))
    .map(line => {
      const [file, repo, release, commit, upstream] = line.split('\t');
      return { file, repo, release, commit, upstream };
    });
}

function vendoredFiles(dir = SCHEMAS, rel = ''): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => e.isDirectory()
    ? vendoredFiles(path.join(dir, e.name), path.join(rel, e.name))
    : [path.join(rel, e.name)]).filter(f => !['SOURCES.md', 'sources.tsv'].includes(f)).sort();
}

describe('the vendored schemas', () => {
  it('are exactly the pinned files, each recorded in SOURCES.md with its size and sha256', () => {
    const sources = fs.readFileSync(path.join(SCHEMAS, 'SOURCES.md'), 'utf8');
    expect(vendoredFiles()).toEqual(pins().map(p => p.file).sort());
    for (const pin of pins()) {
      const bytes = fs.readFileSync(path.join(SCHEMAS, pin.file));
      const sha = createHash('sha256').update(bytes).digest('hex');
      expect(sources).toContain(`| \`${pin.file}\` | ${pin.repo} | ${pin.release} | \`${pin.commit}\` | \`${pin.upstream}\` | ${bytes.length} | \`${sha}\` |`);
    }
  });

  it('hold the CRD of every import in cdk8s.yaml, at the release its URL names', () => {
    const imports = (parse(fs.readFileSync(path.join(REPO_ROOT, 'cdk8s.yaml'), 'utf8')) as { imports: string[] }).imports;
    const crds = pins().filter(p => p.file.startsWith('crds/'));
    // A Go module's files are the GitHub repository's at the release (github.com/argoproj/argo-cd/v3).
    const repository = (repo: string) => repo.replace(/^github\.com\//, '').replace(/\/v\d+$/, '');
    expect(imports.map(i => i.split(':=')[1]).sort()).toEqual(crds.map(p => `https://raw.githubusercontent.com/${repository(p.repo)}/${p.release}/${p.upstream}`).sort());
  });
});

describe('the vendored CRDs and the ones the platform installs', () => {
  /** What the API server serves of a CRD: its names, scope and versions with their schemas. */
  const served = (crd: any) => ({ group: crd.spec.group, names: crd.spec.names, scope: crd.spec.scope, versions: crd.spec.versions });

  it('agree wherever both hold one: the validator checks custom resources against what the cluster will serve', () => {
    const installed = new Map(readObjects(path.join(REPO_ROOT, 'dist')).map(s => s.object).filter(o => o.kind === 'CustomResourceDefinition').map(o => [o.metadata.name, o]));
    const vendored = pins().filter(p => p.file.startsWith('crds/')).map(p => parse(fs.readFileSync(path.join(SCHEMAS, p.file), 'utf8')));
    const compared = vendored.filter(crd => installed.has(crd.metadata.name));
    // Argo CD's, cert-manager's, CloudNativePG's and external-secrets' at least: the operators the platform runs.
    expect(new Set(compared.map(crd => crd.spec.group)).size).toBeGreaterThanOrEqual(4);
    for (const crd of compared) expect(served(installed.get(crd.metadata.name)), crd.metadata.name).toEqual(served(crd));
  });
});

describe('scripts/k8s-definitions.ts', () => {
  it("converts upstream swagger.json definitions the way cdk8s's kubernetes-schemas do", () => {
    const swagger = { definitions: {
      'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { type: 'string', format: 'int-or-string' },
      'io.k8s.apimachinery.pkg.api.resource.Quantity': { type: 'string' },
      'io.k8s.api.apps.v1.Deployment': { properties: { kind: { type: 'string' }, apiVersion: { type: 'string' } }, 'x-kubernetes-group-version-kind': [{ group: 'apps', kind: 'Deployment', version: 'v1' }] },
      'io.k8s.api.apps.v1.DeploymentSpec': { description: 'the spec’s fields', properties: { paused: { type: 'boolean' } } },
    } };
    const { definitions } = toDefinitions(swagger);
    expect(definitions['io.k8s.apimachinery.pkg.util.intstr.IntOrString']).toEqual({ oneOf: [{ type: 'string' }, { type: 'integer' }] });
    expect(definitions['io.k8s.apimachinery.pkg.api.resource.Quantity']).toEqual({ oneOf: [{ type: 'string' }, { type: 'number' }] });
    expect(definitions['io.k8s.api.apps.v1.Deployment'].properties.kind).toEqual({ type: 'string', enum: ['Deployment'] });
    expect(definitions['io.k8s.api.apps.v1.DeploymentSpec']).toEqual(swagger.definitions['io.k8s.api.apps.v1.DeploymentSpec']);
    expect(serialize({ d: 'spec’s' })).toBe('{\n  "d": "spec\\u2019s"\n}');
  });
});

describe('a copy of the project with nothing beside it', () => {
  let project: string;
  beforeAll(() => {
    project = copyProject();
    // The copy lives in the temporary folder: make sure no ../shared could help it.
    expect(fs.existsSync(path.join(project, '../shared'))).toBe(false);
  });
  afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

  const env = { ...process.env };
  delete env.PLATFORM_CRDS_DIR;
  delete env.PLATFORM_SCHEMAS_DIR;
  const run = (...args: string[]) => spawnSync('node', ['scripts/launch.cjs', ...args], { cwd: project, env, encoding: 'utf8' });

  it('synthesizes with strict schemas and no warning', () => {
    const result = run('main.ts');
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/validated: 0 errors, 0 warnings, \d+ exempted\n/);
    expect(result.stdout).not.toMatch(/schema-unchecked|NOT strict|^ *warning /m);
  });

  it('validates its output strictly against the vendored Kubernetes schema and CRDs', () => {
    const result = run('scripts/validate.ts', 'dist', 'argocd', '--format', 'json');
    expect(result.status, result.stdout + result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.summary).toMatchObject({ errors: 0, warnings: 0 });
    expect(report.strictSchemas).toBe(true);
    expect(report.schemas).toContain(`${project}/schemas/kubernetes`);
    expect(report.schemas).toContain(`CRDs from ${project}/schemas/crds`);
  });
});
