import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlogChart } from '../charts/blog';
import { PLATFORM_SETTINGS, PLATFORM_CHARTS, buildPlatform } from '../charts/platform';
import { hostReferences, resolveService } from '../lib/checks/hosts';
import { Postgres } from '../lib/data/postgres';
import { AppChart } from '../lib/platform/app-chart';
import { appEndpoint } from '../lib/platform/connections';
import { WebService } from '../lib/web/web-service';
import { externalSecret } from '../lib/secrets/external-secret';
import { synthesize } from '../lib/synth/synthesize';
import { formatSummary } from '../lib/synth/report';
import { copyProject, tempDir } from './support/platform';
import { addSampleApp } from './support/sample-app';
import { findingsOf } from './support/failures';


describe('hostnames in pod configuration', () => {
  const services = new Set(['wiki/postgres', 'monitoring/loki', 'wiki/valkey']);
  const exists = (ns: string, name: string) => services.has(`${ns}/${name}`);
  const resolved = (text: string, variable?: string) =>
    hostReferences(text, variable).map(r => resolveService(r, 'wiki', exists)).filter(Boolean).map(s => `${s!.namespace}/${s!.name}`);

  it('finds a Service named as svc, svc.ns, svc.ns.svc and svc.ns.svc.cluster.local, with or without a port', () => {
    expect(resolved('postgres', 'DB_HOST')).toEqual(['wiki/postgres']);
    expect(resolved('postgres:5432')).toEqual(['wiki/postgres']);
    expect(resolved('loki.monitoring', 'LOKI_HOST')).toEqual(['monitoring/loki']);
    expect(resolved('loki.monitoring:3100')).toEqual(['monitoring/loki']);
    expect(resolved('loki.monitoring.svc')).toEqual(['monitoring/loki']);
    expect(resolved('http://loki.monitoring.svc.cluster.local:3100/loki/api/v1/push')).toEqual(['monitoring/loki']);
    expect(resolved('push to loki.monitoring.svc.cluster.local')).toEqual(['monitoring/loki']);
  });

  it('finds a Service inside a connection string, a URL, a host flag and a config file', () => {
    expect(resolved('postgresql://wiki:$(DB_PASSWORD)@postgres:5432/wiki')).toEqual(['wiki/postgres']);
    expect(resolved('redis://valkey')).toEqual(['wiki/valkey']);
    expect(resolved('pg_dump -h postgres -U wiki')).toEqual(['wiki/postgres']);
    expect(resolved('upstream app {\n  server postgres:5432;\n}\n')).toEqual(['wiki/postgres']);
  });

  it('does not read a bare word as a host unless the variable names a host', () => {
    expect(resolved('postgres', 'PGUSER')).toEqual([]);
    expect(resolved('the postgres database')).toEqual([]);
    expect(resolved('postgres.example.org:5432')).toEqual([]);
  });
});

describe('synthesis refuses what would break once deployed', () => {
  it('refuses a pod that names an in-platform Service no declared connection allows, naming the connectsTo to add', () => {
    expect(findingsOf(() => buildPlatform(PLATFORM_SETTINGS, [...PLATFORM_CHARTS, addSampleApp({ declareConnection: false })]))).toEqual([
      'connection-declared sample/web: env.DATABASE_URL: names Service postgres:5432 (sample/database), but no declared connection lets its pods reach it, so the NetworkPolicies block the traffic; add web.connectsTo(database)',
    ]);
  });

  it("refuses a pod that names another app's Service, naming the connectsToEndpoint(appEndpoint(...)) to add; with it, synthesis passes", () => {
    const reader = (declare: boolean) => (platform: Parameters<typeof PLATFORM_CHARTS[number]>[0]) => {
      const chart = new AppChart(platform, 'reader', { category: 'apps' });
      const web = new WebService(chart, 'web', { image: 'ghcr.io/example/reader:1.0.0', port: 8000, env: { FEEDS_URL: 'http://miniflux.miniflux.svc.cluster.local:8080' } });
      if (declare) web.connectsToEndpoint(appEndpoint('miniflux', 'miniflux', 8080));
    };
    expect(findingsOf(() => buildPlatform(PLATFORM_SETTINGS, [...PLATFORM_CHARTS, reader(false)]))).toEqual([
      "connection-declared reader/web: env.FEEDS_URL: names Service miniflux.miniflux:8080 (miniflux/app), but no declared connection lets its pods reach it, so the NetworkPolicies block the traffic; add web.connectsToEndpoint(appEndpoint('miniflux', 'miniflux', 8080)) (appEndpoint from 'lib/platform/connections')",
    ]);
    expect(findingsOf(() => buildPlatform(PLATFORM_SETTINGS, [...PLATFORM_CHARTS, reader(true)]))).toEqual([]);
  });

  it('refuses a Secret a pod reads that nothing creates, naming the externalSecret to declare', () => {
    expect(findingsOf(() => buildPlatform(PLATFORM_SETTINGS, [...PLATFORM_CHARTS, addSampleApp({ declareCredential: false })]))).toEqual([
      "config-source sample/web: env.DB_PASSWORD: reads Secret sample-db, which nothing creates in namespace sample (also read by sample/database/Instance); declare it in its chart with externalSecret(this, { name: 'sample-db', keys: ['password'], usedBy: '<what reads it>' }), or with preCreatedSecret() if it is created by hand",
    ]);
  });

  it('refuses a chart id used twice with exit code 2\'s error, naming the path', () => {
    expect(findingsOf(() => buildPlatform(PLATFORM_SETTINGS, [...PLATFORM_CHARTS, p => new BlogChart(p)]))).toEqual([
      'blog: id: "blog" is already used in the platform; give each chart its own id (the second argument of new ...(scope, id))',
    ]);
  });

  it('accepts the platform with the sample app, every connection and credential declared', () => {
    expect(findingsOf(() => buildPlatform(PLATFORM_SETTINGS, [...PLATFORM_CHARTS, addSampleApp()]))).toEqual([]);
  });
});

describe('synthesis warns', () => {
  let root: string;
  beforeAll(() => { root = tempDir(); });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('about a database no pod connects to, and still writes', () => {
    const summary = synthesize(() => buildPlatform(PLATFORM_SETTINGS, [...PLATFORM_CHARTS, p => {
      const chart = new AppChart(p, 'spare', { category: 'apps' });
      externalSecret(chart, { name: 'spare-db', keys: ['password'], usedBy: 'nothing yet' });
      new Postgres(chart, 'postgres', { database: 'spare', passwordSecret: { name: 'spare-db', key: 'password' }, storageSize: '1Gi' });
    }]), { root });
    expect(summary.warnings).toEqual(['unused-data spare/postgres: no pod connects to this database; declare its clients with connectsTo(postgres), or remove it']);
    expect(formatSummary(summary, 0)).toContain('\n  warning unused-data spare/postgres: no pod connects to this database; declare its clients with connectsTo(postgres), or remove it');
    expect(fs.existsSync(path.join(root, 'dist/apps/spare'))).toBe(true);
  });
});

describe('the synth command on an edited copy of the repository', () => {
  let project: string;
  beforeAll(() => { project = copyProject(); });
  afterAll(() => fs.rmSync(project, { recursive: true, force: true }));
  const launch = () => spawnSync('node', ['scripts/launch.cjs', 'main.ts', '--check'], { cwd: project, encoding: 'utf8' });
  const edit = (file: string, from: string, to: string) => {
    const full = path.join(project, file);
    const text = fs.readFileSync(full, 'utf8');
    expect(text).toContain(from);
    fs.writeFileSync(full, text.replace(from, to));
    return () => fs.writeFileSync(full, text);
  };

  it('exits 2 with file, line and message for a prop the type does not have', () => {
    const restore = edit('charts/bun-blog.ts', "      name: 'blog',\n", "      name: 'blog',\n      replica: 3,\n");
    const line = fs.readFileSync(path.join(project, 'charts/bun-blog.ts'), 'utf8').split('\n').findIndex(l => l.includes('replica: 3')) + 1;
    const run = launch();
    restore();
    expect(run.status).toBe(2);
    expect(run.stderr).toBe([
      'main.ts does not type-check (1 error):',
      `  charts/bun-blog.ts:${line}:7: error TS2561: Object literal may only specify known properties, but 'replica' does not exist in type 'WebServiceProps'. Did you mean to write 'replicas'?`,
      'Nothing was written.',
      '',
    ].join('\n'));
  }, 240_000);

  it('exits 2 naming the path for a chart added twice, with no stack trace', () => {
    const restore = edit('charts/platform.ts', '  platform => new BlogChart(platform),\n', '  platform => new BlogChart(platform),\n  platform => new BlogChart(platform),\n');
    const run = launch();
    restore();
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('blog: id: "blog" is already used in the platform; give each chart its own id (the second argument of new ...(scope, id))\nNothing was written.\n');
  }, 240_000);

  it('exits 2 when a connection or a credential is left out', () => {
    const restoreConnection = edit('charts/bun-blog.ts', '    }).connectsTo(postgres);', '    });');
    const restoreCredential = edit('charts/bun-blog.ts', '    externalSecret(this, {', '    if (Date.now() < 0) externalSecret(this, {');
    const run = launch();
    restoreCredential();
    restoreConnection();
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('bun-blog/web: env.PGHOST: names Service postgres-pooler (bun-blog/postgres), but no declared connection lets its pods reach it, so the NetworkPolicies block the traffic; add web.connectsTo(postgres)');
    expect(run.stderr).toContain('bun-blog/postgres/Backup: container pg-dump: env.PGPASSWORD: reads Secret bun-blog-postgres, which nothing creates in namespace bun-blog');
  }, 240_000);
});
