import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MonitoringChart } from '../charts/monitoring';
import { UrlShortenerChart } from '../charts/url-shortener';
import { readObjects } from '../lib/cluster/sources';
import { NetworkPolicies } from '../lib/networking/network-policies';
import { render } from '../lib/synth/render';
import { validateSubjects } from '../lib/validate/validate';
import { argumentSet, barmanCloudPlan, BarmanCloudPlan } from './support/barman-cloud';
import { barmanBin } from './support/pinned-tools';
import { emptyPlatform, REPO_ROOT, tempDir } from './support/platform';
import { promtoolTestAlert } from './support/promtool';
import { createAppTables, sequencesBehind, snapshotTables, TablesSnapshot, writeRows } from './support/restore-data';
import { blocksUnder, isClusterStep, runBlocks, runbookBlocks, RunbookBlock } from './support/runbook';
import { S3Server, startS3Server } from './support/s3-server';
import { freePort, postgresBin, Processes, requireProgram } from './support/servers';
import { giveToServer, PostgresClient, serverUser, SUPERUSER, ThrowawayPostgres } from './support/throwaway-postgres';

/*
 * The restore drill of CloudNativePG's Barman Cloud backups (seed 002), for every Cluster with an
 * ObjectStore: Barman Cloud from PyPI (the plugin sidecar's versions) against a real PostgreSQL and
 * `rclone serve s3` on loopback, with the arguments the plugin derives from the rendered objects
 * (test/support/barman-cloud.ts): WAL archived by archive_command, a base backup, the retention run;
 * rows written after the backup; then the runbook's own blocks restore to the latest point, and to a
 * point in time before the last write, and every table is compared row for row.
 *
 * What cannot run here, and stands in for it: CloudNativePG's instance manager and the plugin's
 * sidecar (the archive_command is barman-cloud-wal-archive itself, the base backup and the
 * retention run are the programs the plugin would start for a Backup and its retention loop, and
 * barman-cloud-backup reaches the server over TCP instead of the pod's socket); the operator's
 * recovery (`bootstrap.recovery`), whose Cluster and NetworkPolicies the runbook builds with jq: the
 * test runs that jq on the rendered objects and validates the results against their schemas. The
 * plugin's metrics are fed to promtool from what the runs did (their exit status, pg_stat_archiver).
 * The endpoint is the loopback server's, whose self-signed certificate AWS_CA_BUNDLE trusts (the
 * plugin sets it for `endpointCA`).
 */

const RUNBOOK = path.join(REPO_ROOT, 'docs/runbooks/restore.md');
const SECTION = 'CloudNativePG: Barman Cloud';
const BY_HAND = 'Recovery without the operator';
const WITH_OPERATOR = 'Recovery with the operator';
const sectionBlocks = blocksUnder(runbookBlocks(RUNBOOK), SECTION);
const byHand = sectionBlocks.filter(b => b.headings.includes(BY_HAND) && !isClusterStep(b));

const APP_PASSWORD = 'drill-app-password';
const distObjects = readObjects(path.join(REPO_ROOT, 'dist')).map(o => o.object as any);

/**
 * Every Cluster with the plugin and the ObjectStore it names. dist/ has none while no chart sets an
 * object store (seed 002 names no bucket), so the drill also renders the URL shortener with its
 * `database.objectStore` set, as an operator would, with every other setting (retention,
 * compression, server name) left to the platform.
 */
function clustersWithObjectStores(objects: any[], source: string) {
  return objects.filter(o => o.kind === 'ObjectStore').map(store => {
    const cluster = objects.find(o => o.kind === 'Cluster' && o.metadata.namespace === store.metadata.namespace
      && o.spec.plugins?.some((p: any) => p.parameters?.barmanObjectName === store.metadata.name));
    if (!cluster) throw new Error(`${source}: no Cluster archives to ObjectStore ${store.metadata.namespace}/${store.metadata.name}`);
    return { source, cluster, store };
  });
}
const configured = emptyPlatform();
new UrlShortenerChart(configured, 'url-shortener', { database: { objectStore: {
  destinationPath: 's3://homelab-backups/url-shortener/postgres', endpointURL: 'https://s3.example.com',
  accessKeyId: { name: 'postgres-backup-s3', key: 'access-key-id' }, secretAccessKey: { name: 'postgres-backup-s3', key: 'secret-access-key' },
} } });
new MonitoringChart(configured);
new NetworkPolicies(configured);
const configuredObjects = render(configured).objects.map(o => o.manifest as any);
const targets = [
  ...clustersWithObjectStores(distObjects, 'dist/').map(t => ({ ...t, objects: distObjects })),
  ...clustersWithObjectStores(configuredObjects, 'the URL shortener with an object store').map(t => ({ ...t, objects: configuredObjects })),
];

/** The jq program of the runbook's block under `heading` that reads `what` from the cluster. */
function runbookJq(heading: string, what: RegExp): string {
  const block = sectionBlocks.find(b => b.headings.includes(heading) && what.test(b.code));
  if (!block) throw new Error(`the runbook has no block under "${heading}" matching ${what}`);
  const program = /\bjq (?:--arg \S+ \S+ )*'([\s\S]*?)'/.exec(block.code);
  if (!program) throw new Error(`line ${block.line}: no jq program`);
  return program[1];
}
const jq = (program: string, args: string[], input: unknown) => JSON.parse(execFileSync(requireProgram('jq'), [...args, program], { input: JSON.stringify(input), encoding: 'utf8' }));

const processes = new Processes();
const dir = tempDir('restore-drill-cnpg-');
// The servers run as the postgres user when the tests run as root.
fs.chmodSync(dir, 0o755);
let s3: S3Server;
let bin: string;

beforeAll(async () => {
  bin = barmanBin();
  s3 = await startS3Server(processes, path.join(dir, 's3'));
}, 600_000);

afterAll(async () => {
  await processes.stopAll();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the runbook\'s CloudNativePG section', () => {
  it(`puts every step that runs outside the cluster under "${BY_HAND}", the procedure the drill runs`, () => {
    expect(sectionBlocks.filter(b => !isClusterStep(b) && !b.headings.includes(BY_HAND)).map(b => `line ${b.line}`)).toEqual([]);
    expect(byHand.length).toBeGreaterThan(0);
  });
});

for (const { source, cluster, store, objects } of targets) {
  describe(`the backups of CloudNativePG cluster ${cluster.metadata.namespace}/${cluster.metadata.name} (${source}), restored`, () => {
    const work = path.join(dir, `${source === 'dist/' ? 'dist' : 'configured'}-${cluster.metadata.namespace}-${cluster.metadata.name}`);
    const { database, owner } = cluster.spec.bootstrap.initdb;
    const ran = new Set<RunbookBlock>();
    const snapshots: Record<string, TablesSnapshot> = {};
    const restored: { pgdata: string; port: number }[] = [];
    let plan: BarmanCloudPlan;
    let env: Record<string, string>;
    let origin: ThrowawayPostgres;
    let targetTime = '';
    const results: { backupEnd?: number; failedBackup?: { at: number; status: number } } = {};

    const barman = (program: string, args: string[], extraEnv: Record<string, string> = {}) =>
      spawnSync(path.join(bin, program), args, { encoding: 'utf8', timeout: 300_000, env: { PATH: '/usr/bin:/bin', HOME: work, ...env, ...extraEnv } });
    const backupIds = () => {
      const list = barman('barman-cloud-backup-list', [...plan.walRestore, '--format', 'json']);
      expect(list.status, list.stderr).toBe(0);
      return (JSON.parse(list.stdout).backups_list as { backup_id: string; status: string }[]).map(b => `${b.backup_id} ${b.status}`);
    };

    beforeAll(async () => {
      fs.mkdirSync(work, { recursive: true });
      giveToServer(work);
      // The rendered ObjectStore, with only its endpoint moved to the loopback server.
      expect(store.spec.configuration.endpointURL ?? 'https://', 'the endpoint').toMatch(/^https:\/\//);
      plan = barmanCloudPlan(cluster, { ...store, spec: { ...store.spec, configuration: { ...store.spec.configuration, endpointURL: s3.endpoint } } });
      s3.createBucket(/^s3:\/\/([^/]+)/.exec(plan.destinationPath)![1]);
      // The values of the Secrets the ObjectStore names, as the plugin exports them.
      const keys: Record<string, string> = { AWS_ACCESS_KEY_ID: s3.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.secretAccessKey };
      env = { ...Object.fromEntries(Object.keys(plan.credentials).map(k => [k, keys[k]])), ...plan.sidecarEnv, AWS_CA_BUNDLE: s3.caCert };
      // PostgreSQL runs archive_command through a shell: every argument must be a plain word.
      expect(plan.walArchive.filter(a => !/^[\w:/.@+-]+$/.test(a))).toEqual([]);
      const archiveCommand = [path.join(bin, 'barman-cloud-wal-archive'), ...plan.walArchive, '%p'].join(' ');
      origin = await ThrowawayPostgres.create(processes, path.join(work, 'origin'), {
        ...cluster.spec.postgresql?.parameters,
        // CloudNativePG's WAL settings: every segment archived, a switch at least every 5 minutes.
        wal_level: 'replica', archive_mode: 'on', archive_timeout: '5min', archive_command: archiveCommand,
        // The base backup starts with a spread checkpoint: over 30 s here rather than minutes.
        checkpoint_timeout: '30s',
      }, { ...env, HOME: work });
      origin.psql(`CREATE ROLE "${owner}" LOGIN PASSWORD '${APP_PASSWORD}'`);
      origin.psql(`CREATE DATABASE "${database}" OWNER "${owner}"`);
      createAppTables(origin, database, owner);
      writeRows(origin, database, 'before');
    }, 600_000);

    afterAll(() => {
      for (const { pgdata } of restored) {
        if (fs.existsSync(path.join(pgdata, 'postmaster.pid'))) spawnSync(postgresBin('pg_ctl'), ['--pgdata', pgdata, '--mode=fast', 'stop'], { ...serverUser() });
      }
    });

    /** The backup alerts the monitoring chart renders for this cluster. */
    const backupRules = (): string => {
      const file = `${plan.namespace}-${plan.cluster}-backups.yml`;
      const rules = objects.find(o => o.kind === 'ConfigMap' && o.metadata.name === 'prometheus-rules')?.data[file];
      if (!rules) throw new Error(`${source}: the monitoring chart renders no ${file}`);
      return rules;
    };

    /** Segments archived and failed, from the origin's pg_stat_archiver. */
    const archiver = () => origin.psql('SELECT archived_count || \' \' || failed_count || \' \' || coalesce(last_archived_wal, \'\') FROM pg_stat_archiver').split(' ');
    /** The epochs CloudNativePG's exporter reports from pg_stat_archiver (its default query): -1 for never. */
    const archiverEpochs = (pg: PostgresClient) => {
      const [archived, failed] = pg.psql('SELECT COALESCE(EXTRACT(EPOCH FROM last_archived_time), -1)::bigint || \' \' || COALESCE(EXTRACT(EPOCH FROM last_failed_time), -1)::bigint FROM pg_stat_archiver').split(' ');
      return { archived, failed };
    };
    let healthyArchiver: { archived: string; failed: string } | undefined;

    it('archives WAL and takes a base backup with the arguments the plugin derives from the rendered ObjectStore, gzip-compressed, under <destinationPath>/<server name>', () => {
      // The backup starts with a spread checkpoint, which paces the buffers the writes above left
      // dirty over most of checkpoint_timeout (25 to 34 s of this test): written out first, they
      // leave it nothing to pace. What is backed up and archived is the same.
      origin.psql('CHECKPOINT');
      const backup = barman('barman-cloud-backup', [...plan.backup('drill-base'), '--host', '127.0.0.1', '--port', String(origin.port)], { PGPASSWORD: SUPERUSER.password });
      expect(backup.status, backup.stderr).toBe(0);
      results.backupEnd = Math.floor(Date.now() / 1000);
      expect(backupIds()).toEqual([expect.stringMatching(/ DONE$/)]);
      const folder = path.join(s3.root, plan.destinationPath.replace(/^s3:\/\//, ''), plan.serverName);
      const files = execFileSync('find', [folder, '-type', 'f'], { encoding: 'utf8' }).split('\n').filter(Boolean).map(f => path.relative(folder, f));
      expect(files.filter(f => f.startsWith('base/')).some(f => /\/data\.tar\.gz$/.test(f)), files.join('\n')).toBe(true);
      // The backup's own WAL went through archive_command, compressed.
      expect(files.filter(f => f.startsWith('wals/')).every(f => /\.gz$/.test(f)), files.join('\n')).toBe(true);
      expect(files.filter(f => f.startsWith('wals/')).length).toBeGreaterThan(0);
      expect(archiver()[1], origin.log().slice(-3000)).toBe('0');
    }, 300_000);

    it('keeps that backup through the retention run of the rendered retentionPolicy', () => {
      expect(plan.backupDelete).toContain(`RECOVERY WINDOW OF ${/^(\d+)d$/.exec(store.spec.retentionPolicy)?.[1] ?? '?'} DAYS`);
      const result = barman('barman-cloud-backup-delete', plan.backupDelete);
      expect(result.status, result.stderr).toBe(0);
      expect(backupIds()).toEqual([expect.stringMatching(/ DONE$/)]);
    }, 120_000);

    it('archives the writes made after the backup, up to the last one', async () => {
      writeRows(origin, database, 'after');
      snapshots.after = snapshotTables(origin, database);
      targetTime = origin.psql('SELECT clock_timestamp()');
      await new Promise(resolve => setTimeout(resolve, 1_500));
      writeRows(origin, database, 'last');
      snapshots.last = snapshotTables(origin, database);
      // What archive_timeout does within 5 minutes: close the segment holding the last write.
      const segment = origin.psql('SELECT pg_walfile_name(pg_switch_wal())');
      const deadline = Date.now() + 60_000;
      while (archiver()[2] < segment && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 500));
      expect(archiver()[2] >= segment, origin.log().slice(-3000)).toBe(true);
      healthyArchiver = archiverEpochs(origin);
      // The origin is gone from here on.
      await origin.stop();
      fs.rmSync(origin.dataDir, { recursive: true, force: true });
    }, 120_000);

    /** The runbook's steps by hand, as the postgres user, into a new PGDATA. */
    async function recoverByHand(name: string, extra: Record<string, string>) {
      const folder = path.join(work, name);
      fs.mkdirSync(folder, { recursive: true });
      giveToServer(folder);
      const pgdata = path.join(folder, 'pgdata');
      const port = await freePort();
      restored.push({ pgdata, port });
      byHand.forEach(b => ran.add(b));
      const result = runBlocks(byHand, {
        cwd: folder,
        ...serverUser(),
        timeoutMs: 300_000,
        env: {
          PATH: [bin, path.dirname(postgresBin('pg_ctl')), path.dirname(requireProgram('psql')), '/usr/bin', '/bin'].join(':'), HOME: folder, ...env,
          NAMESPACE: plan.namespace, CLUSTER: plan.cluster, DESTINATION_PATH: plan.destinationPath, ENDPOINT_URL: plan.endpointURL!, SERVER_NAME: plan.serverName,
          PGDATA: pgdata, PGPORT: String(port), PGUSER: owner, PGPASSWORD: APP_PASSWORD, PGDATABASE: database, ...extra,
        },
      });
      const logFile = path.join(pgdata, 'recovery.log');
      const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').slice(-3000) : '';
      return { result, client: new PostgresClient(port), output: `${result.stdout}\n${result.stderr}\n${log}` };
    }

    it('recovers to the latest point with the runbook\'s commands: every table, row for row, the last write included', async () => {
      const { result, client, output } = await recoverByHand('latest', {});
      expect(result.status, output).toBe(0);
      expect(result.stdout).toContain('recovered and promoted');
      const data = snapshotTables(client, database);
      expect(data.rows).toEqual(snapshots.last.rows);
      expect(sequencesBehind(data, snapshots.last)).toEqual([]);
    }, 300_000);

    it('recovers to a point in time before the last write with the runbook\'s commands: every table as it was then', async () => {
      const { result, client, output } = await recoverByHand('point-in-time', { TARGET_TIME: targetTime });
      expect(result.status, output).toBe(0);
      expect(result.stdout).toContain(`recovered to ${targetTime} and promoted`);
      const data = snapshotTables(client, database);
      expect(data.rows).toEqual(snapshots.after.rows);
      expect(sequencesBehind(data, snapshots.after)).toEqual([]);
      expect(snapshots.after.rows).not.toEqual(snapshots.last.rows);
    }, 300_000);

    it('uses in the runbook\'s commands exactly the arguments the plugin uses for a recovery', () => {
      const vars: Record<string, string> = { ENDPOINT_URL: plan.endpointURL!, DESTINATION_PATH: plan.destinationPath, SERVER_NAME: plan.serverName, PGDATA: '/pgdata', BACKUP_ID: '20260101T000000' };
      const code = byHand.map(b => b.code).join('').replace(/"?\$\{?(\w+)(:-\w+)?\}?"?/g, (m, v) => vars[v] ?? m);
      const command = (program: string) => {
        const line = code.split('\n').find(l => new RegExp(`(^|')${program} `).test(l));
        expect(line, `the runbook runs ${program}`).toBeDefined();
        return line!.replace(/^.*?'?barman-cloud-[\w-]+ /, '').replace(/'$/, '').trim().split(/\s+/);
      };
      expect(argumentSet(command('barman-cloud-restore'))).toEqual(argumentSet(plan.restore('20260101T000000', '/pgdata')));
      expect(argumentSet(command('barman-cloud-wal-restore'))).toEqual(argumentSet([...plan.walRestore, '%f', '%p']));
    });

    it('fails a base backup to a bucket that does not exist with NoSuchBucket', () => {
      const wrong = plan.destinationPath.replace(/^s3:\/\/([^/]+)/, 's3://$1-typo');
      const args = plan.backup('drill-broken').map(a => (a === plan.destinationPath ? wrong : a));
      const at = Math.floor(Date.now() / 1000);
      // The recovered copy is the server now.
      const result = barman('barman-cloud-backup', [...args, '--host', '127.0.0.1', '--port', String(restored[0].port)], { PGPASSWORD: SUPERUSER.password });
      results.failedBackup = { at, status: result.status! };
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain('Backup failed uploading data (An error occurred (NoSuchBucket) when calling the PutObject operation: The specified bucket does not exist)');
    }, 120_000);

    it('fires PostgresBackupFailing on the failed backup, newer than the last good one', () => {
      expect(results.backupEnd && results.failedBackup, 'the backups above').toBeTruthy();
      const rules = backupRules();
      // The plugin's metrics on the instance manager's exporter: the end of the last good backup, and of the last failed one (none if the broken run had succeeded).
      const labels = `namespace="${plan.namespace}",service="${plan.cluster}",pod="${plan.cluster}-1"`;
      const failed = results.failedBackup!.status !== 0 ? results.failedBackup!.at : 0;
      const result = promtoolTestAlert(path.join(work, 'promtool'), rules, 'PostgresBackupFailing', '1m', [
        { series: `barman_cloud_cloudnative_pg_io_last_available_backup_timestamp{${labels}}`, values: `${results.backupEnd}x10` },
        { series: `barman_cloud_cloudnative_pg_io_last_failed_backup_timestamp{${labels}}`, values: `0x4 ${failed}x5` },
      ], [
        { evalTime: '3m', labels: [] },
        { evalTime: '6m', labels: [{ namespace: plan.namespace, service: plan.cluster, severity: 'warning' }] },
      ]);
      expect(result.status, result.output).toBe(0);
    });

    it('fails WAL archiving to a bucket that does not exist, and PostgresWalArchivingFailing fires on what PostgreSQL then reports, not on a healthy archiver', async () => {
      expect(healthyArchiver, 'the archiving above').toBeDefined();
      const wrong = plan.walArchive.map(a => (a === plan.destinationPath ? a.replace(/^s3:\/\/([^/]+)/, 's3://$1-typo') : a));
      const broken = await ThrowawayPostgres.create(processes, path.join(work, 'broken-archive'), {
        wal_level: 'replica', archive_mode: 'on', archive_command: [path.join(bin, 'barman-cloud-wal-archive'), ...wrong, '%p'].join(' '),
      }, { ...env, HOME: work });
      broken.psql('CREATE TABLE t AS SELECT 1 AS one; SELECT pg_switch_wal()');
      const deadline = Date.now() + 60_000;
      while (archiverEpochs(broken).failed === '-1' && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 500));
      const epochs = archiverEpochs(broken);
      await broken.stop();
      expect(epochs.failed, broken.log().slice(-2000)).not.toBe('-1');
      expect(broken.log()).toContain('NoSuchBucket');
      const rules = backupRules();
      const labels = `namespace="${plan.namespace}",service="${plan.cluster}",pod="${plan.cluster}-1"`;
      const scrape = (e: { archived: string; failed: string }) => [
        { series: `cnpg_pg_stat_archiver_last_archived_time{${labels}}`, values: `${e.archived}x20` },
        { series: `cnpg_pg_stat_archiver_last_failed_time{${labels}}`, values: `${e.failed}x20` },
      ];
      const firing = promtoolTestAlert(path.join(work, 'promtool-broken'), rules, 'PostgresWalArchivingFailing', '1m', scrape(epochs), [
        { evalTime: '9m', labels: [] },
        { evalTime: '11m', labels: [{ namespace: plan.namespace, service: plan.cluster, pod: `${plan.cluster}-1`, severity: 'warning' }] },
      ]);
      expect(firing.status, firing.output).toBe(0);
      const healthy = promtoolTestAlert(path.join(work, 'promtool-healthy'), rules, 'PostgresWalArchivingFailing', '1m', scrape(healthyArchiver!), [{ evalTime: '15m', labels: [] }]);
      expect(healthy.status, healthy.output).toBe(0);
    }, 180_000);

    it('builds, with the runbook\'s jq, a Cluster that CloudNativePG accepts and that recovers from the rendered ObjectStore and server name', () => {
      const program = runbookJq(WITH_OPERATOR, /get cluster/);
      const live = { ...cluster, status: { phase: 'Cluster in healthy state' } };
      for (const target of ['', targetTime || '2026-01-01 12:00:00+00']) {
        const restoredCluster = jq(program, ['--arg', 'target', target, '--arg', 'server', plan.serverName], live);
        expect(restoredCluster.metadata).toEqual({ name: `${plan.cluster}-restored`, namespace: plan.namespace });
        expect(restoredCluster.spec.bootstrap).toEqual({ recovery: { source: 'origin', ...(target ? { recoveryTarget: { targetTime: target } } : {}) } });
        expect(restoredCluster.spec.externalClusters).toEqual([{ name: 'origin', plugin: { name: 'barman-cloud.cloudnative-pg.io', parameters: { barmanObjectName: store.metadata.name, serverName: plan.serverName } } }]);
        // The rest of the spec is the rendered one: instances, image, storage, parameters, the WAL archiver.
        expect({ ...restoredCluster.spec, bootstrap: undefined, externalClusters: undefined }).toEqual({ ...cluster.spec, bootstrap: undefined, externalClusters: undefined });
        const report = validateSubjects([{ manifest: restoredCluster, file: 'restored.json' }]);
        expect(report.errors.filter(f => /schema|crd/.test(f.rule)).map(f => f.message)).toEqual([]);
      }
    });

    it('gives the new cluster\'s pods, with the runbook\'s jq, what the rendered NetworkPolicies give the old one\'s, the object store included', () => {
      const names = [plan.cluster, `${plan.cluster}-jobs`];
      const rendered = names.map(name => objects.find(o => o.kind === 'NetworkPolicy' && o.metadata.namespace === plan.namespace && o.metadata.name === name));
      expect(rendered.every(Boolean), `NetworkPolicies ${names.join(', ')} in ${plan.namespace}`).toBe(true);
      const list = jq(runbookJq(WITH_OPERATOR, /get networkpolicy/), ['--arg', 'from', plan.cluster, '--arg', 'to', `${plan.cluster}-restored`], { apiVersion: 'v1', kind: 'List', items: rendered });
      expect(list.items.map((p: any) => p.metadata.name)).toEqual([`${plan.cluster}-restored`, `${plan.cluster}-restored-jobs`]);
      const rename = (p: any) => JSON.parse(JSON.stringify(p.spec).replaceAll(`"cnpg.io/cluster":"${plan.cluster}"`, `"cnpg.io/cluster":"${plan.cluster}-restored"`));
      expect(list.items.map((p: any) => p.spec)).toEqual(rendered.map(rename));
      expect(JSON.stringify(list)).not.toContain(`"cnpg.io/cluster":"${plan.cluster}"`);
      const storePort = Number(new URL(store.spec.configuration.endpointURL ?? 'https://s3.amazonaws.com').port || 443);
      for (const policy of list.items) expect(policy.spec.egress.some((e: any) => e.to.some((t: any) => t.ipBlock?.cidr === '0.0.0.0/0') && e.ports.some((p: any) => p.port === storePort)), policy.metadata.name).toBe(true);
      const report = validateSubjects(list.items.map((manifest: any) => ({ manifest, file: 'restored-policies.json' })));
      expect(report.errors.filter(f => /schema/.test(f.rule)).map(f => f.message)).toEqual([]);
    });

    it('ran every runbook step outside the cluster; the steps in the cluster name its own objects', () => {
      expect(byHand.filter(b => !ran.has(b)).map(b => `line ${b.line}`)).toEqual([]);
      const vars: Record<string, string> = { NAMESPACE: plan.namespace, CLUSTER: plan.cluster };
      for (const block of sectionBlocks.filter(isClusterStep)) {
        const code = block.code.replace(/\$\{?(\w+)\}?/g, (m, v) => vars[v] ?? m);
        for (const [, ns] of code.matchAll(/kubectl -n "?([\w-]+)/g)) expect(ns, `line ${block.line}`).toBe(plan.namespace);
        for (const [, name] of code.matchAll(/(?:get cluster|cluster\/)"?([\w-]+)/g)) expect([plan.cluster, `${plan.cluster}-restored`], `line ${block.line}`).toContain(name);
        for (const [, list] of code.matchAll(/get networkpolicy ((?:"?[a-z0-9][\w-]*"? )+)/g)) {
          for (const name of list.trim().split(/\s+/).map(n => n.replace(/"/g, ''))) {
            expect(objects.some(o => o.kind === 'NetworkPolicy' && o.metadata.namespace === plan.namespace && o.metadata.name === name), `line ${block.line}: NetworkPolicy ${name}`).toBe(true);
          }
        }
      }
    });
  });
}
