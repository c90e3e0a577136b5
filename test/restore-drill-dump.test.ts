import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readObjects } from '../lib/cluster/sources';
import { DumpJob, plainEnv, renderedDumpJobs, runStep, secretVars } from './support/dump-jobs';
import { pinnedRclone } from './support/pinned-tools';
import { REPO_ROOT, tempDir } from './support/platform';
import { promtoolTestAlert } from './support/promtool';
import { createAppTables, snapshotTables, TablesSnapshot, writeRows } from './support/restore-data';
import { blocksUnder, isClusterStep, runBlocks, runbookBlocks, RunbookBlock } from './support/runbook';
import { S3Server, startS3Server } from './support/s3-server';
import { Processes, requireProgram } from './support/servers';
import { ThrowawayPostgres } from './support/throwaway-postgres';

/*
 * The restore drill of the daily dumps (seeds 000 and 004), for every dump CronJob in dist/: a real
 * PostgreSQL filled with every column type the apps use; the generated backup script and offsite
 * job, run as their containers run them (busybox's sh, the pinned rclone built from its Go module)
 * with the rendered environment, against `rclone serve s3` on loopback; the source deleted; then the
 * runbook's own blocks (docs/runbooks/restore.md) fetch and restore the dumps into a fresh server,
 * and every table is compared row for row. What the tests change in the rendered environment: the
 * database's host and port, the endpoint (the loopback server, whose certificate RCLONE_CA_CERT
 * trusts), the folder of the volume, and the values the Secrets hold.
 */

const RUNBOOK = path.join(REPO_ROOT, 'docs/runbooks/restore.md');
const SECTION = 'Single-instance PostgreSQL: the daily dumps';
/** The procedures of the section the drill runs; every runnable block of the section belongs to one. */
const FETCH = 'From the offsite copy';
const VOLUME = 'From the backup volume';
const RESTORE = 'Restore a dump';
const sectionBlocks = blocksUnder(runbookBlocks(RUNBOOK), SECTION);
const steps = (heading: string) => sectionBlocks.filter(b => b.headings.includes(heading) && !isClusterStep(b));

const APP_PASSWORD = 'drill-app-password';
const DAY_MS = 86_400_000;
/** The dump script's file name stamp for a time (`20260101T030000Z`). */
const stamp = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');

const jobs = renderedDumpJobs();
const distObjects = readObjects(path.join(REPO_ROOT, 'dist')).map(o => o.object as any);
const processes = new Processes();
const dir = tempDir('restore-drill-dump-');
// The servers run as the postgres user when the tests run as root.
fs.chmodSync(dir, 0o755);
let s3: S3Server;

beforeAll(async () => {
  s3 = await startS3Server(processes, path.join(dir, 's3'));
}, 120_000);

afterAll(async () => {
  await processes.stopAll();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the runbook\'s dump section', () => {
  it(`puts every step that runs outside the cluster under "${FETCH}" or "${RESTORE}", the procedures the drill runs`, () => {
    const stray = sectionBlocks.filter(b => !isClusterStep(b) && !b.headings.includes(FETCH) && !b.headings.includes(RESTORE));
    expect(stray.map(b => `line ${b.line}`)).toEqual([]);
    expect(steps(FETCH).length).toBeGreaterThan(0);
    expect(steps(RESTORE).length).toBeGreaterThan(0);
  });
});

for (const job of jobs) {
  describe(`the dumps of ${job.namespace}/${job.name}, restored from ${job.copy ? 'the offsite copy' : 'the volume'}`, () => {
    const dumpEnv = plainEnv(job.dump);
    const database = dumpEnv.PGDATABASE;
    const user = dumpEnv.PGUSER;
    const work = path.join(dir, `${job.namespace}-${job.name}`);
    const backupDir = path.join(work, 'backups');
    const rclone = pinnedRclone();
    const ran = new Set<RunbookBlock>();
    const snapshots: Record<string, TablesSnapshot> = {};
    let source: ThrowawayPostgres;
    let fresh: ThrowawayPostgres;
    let jobRun: { dump: number; copy: number } | undefined;
    let wrongBucketRun: number | undefined;

    /** The values the pod's Secrets hold, by variable, for the drill's servers. */
    const secretValues = (container: DumpJob['dump']): Record<string, string> => Object.fromEntries(Object.entries(secretVars(container)).map(([name, ref]) => {
      const value = { PGPASSWORD: APP_PASSWORD, RCLONE_CONFIG_OFFSITE_ACCESS_KEY_ID: s3.accessKeyId, RCLONE_CONFIG_OFFSITE_SECRET_ACCESS_KEY: s3.secretAccessKey }[name];
      if (value === undefined) throw new Error(`${job.file}: ${container.name} reads ${name} from Secret ${ref.name}/${ref.key}, which the drill has no value for`);
      return [name, value];
    }));
    const dumpOverrides = () => ({ ...secretValues(job.dump), PGHOST: '127.0.0.1', PGPORT: String(source.port), BACKUP_DIR: backupDir });
    const copyOverrides = () => {
      const env = plainEnv(job.copy!);
      if (env.RCLONE_CONFIG_OFFSITE_TYPE !== 's3') throw new Error(`${job.file}: the drill copies to an S3 bucket; this remote is ${env.RCLONE_CONFIG_OFFSITE_TYPE}`);
      expect(env.RCLONE_CONFIG_OFFSITE_ENDPOINT).toMatch(/^https:\/\//);
      return { ...secretValues(job.copy!), RCLONE_CONFIG_OFFSITE_ENDPOINT: s3.endpoint, RCLONE_CA_CERT: s3.caCert, BACKUP_DIR: backupDir };
    };
    const remote = () => plainEnv(job.copy!).OFFSITE_REMOTE;
    /** The folder of the rendered remote on the loopback server: `offsite:<bucket>/<path>`. */
    const remoteFolder = () => path.join(s3.root, remote().replace(/^offsite:/, ''));
    const listing = (folder: string) => (fs.existsSync(folder) ? fs.readdirSync(folder).filter(f => f.startsWith(`${database}-`)).sort() : []);

    /** Writes a batch of rows, then dumps with the generated script; an `ageDays` old dump is renamed and dated as one of that day. */
    function takeDump(batch: string, ageDays = 0): string {
      writeRows(source, database, batch);
      snapshots[batch] = snapshotTables(source, database);
      const before = new Set(listing(backupDir));
      const result = runStep(job, job.dump, work, dumpOverrides());
      expect(result.status, result.stderr).toBe(0);
      const [made] = listing(backupDir).filter(f => !before.has(f));
      if (!ageDays) return made;
      const when = Date.now() - ageDays * DAY_MS;
      const aged = `${database}-${stamp(when)}.dump`;
      fs.renameSync(path.join(backupDir, made), path.join(backupDir, aged));
      fs.utimesSync(path.join(backupDir, aged), new Date(when), new Date(when));
      return aged;
    }

    /** The runbook's procedures, in one shell, as the reader runs them: the variables filled in from the CronJob and the drill's servers. */
    function runRunbook(procedures: string[], cwd: string, env: Record<string, string> = {}) {
      const blocks = procedures.flatMap(steps);
      blocks.forEach(b => ran.add(b));
      fs.mkdirSync(cwd, { recursive: true });
      const offsite = job.copy ? { ...plainEnv(job.copy), ...copyOverrides() } : {};
      return runBlocks(blocks, {
        cwd,
        env: {
          PATH: [path.dirname(rclone), path.dirname(requireProgram('pg_restore')), '/usr/bin', '/bin'].join(':'), HOME: cwd, ...offsite,
          NAMESPACE: job.namespace, CRONJOB: job.name, SERVICE: dumpEnv.PGHOST, PGDATABASE: database, PGUSER: user, PGPASSWORD: APP_PASSWORD,
          PGHOST: '127.0.0.1', PGPORT: String(fresh.port), ...env,
        },
      });
    }

    /** Puts a file on the remote through the S3 API (the server's own folder is behind its cache), with its modification time. */
    function upload(file: string, name: string) {
      const result = spawnSync(rclone, ['copyto', file, `${remote()}/${name}`], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', HOME: work, ...plainEnv(job.copy!), ...copyOverrides() } });
      expect(result.status, result.stderr).toBe(0);
    }

    /** The restore steps, counted as run. */
    const restoreSteps = () => {
      steps(RESTORE).forEach(b => ran.add(b));
      return steps(RESTORE);
    };

    /** A database as the image's first start makes it: the user, and its empty database. */
    function createDatabase(pg: ThrowawayPostgres) {
      pg.psql(`CREATE ROLE "${user}" LOGIN PASSWORD '${APP_PASSWORD}'`);
      pg.psql(`CREATE DATABASE "${database}" OWNER "${user}"`);
    }

    beforeAll(async () => {
      fs.mkdirSync(backupDir, { recursive: true });
      source = await ThrowawayPostgres.create(processes, path.join(work, 'source'));
      createDatabase(source);
      createAppTables(source, database, user);
      if (job.copy) s3.createBucket(remote().replace(/^offsite:/, '').split('/')[0]);
    }, 120_000);

    it('dumps with the generated script and copies with the generated job: the bucket holds, at the rendered path, the dumps the retentions keep', () => {
      expect(job.copy, `${job.file} has no offsite copy`).toBeDefined();
      // Dumps of earlier runs: two already offsite (91 and 60 days old: past the offsite retention,
      // and past the local one), one still on the volume only (29 days).
      const earlier = (batch: string, ageDays: number) => {
        const name = takeDump(batch, ageDays);
        upload(path.join(backupDir, name), name);
        fs.rmSync(path.join(backupDir, name));
        return name;
      };
      const expired = earlier('first', 91);
      const kept60 = earlier('second', 60);
      const kept29 = takeDump('third', 29);
      writeRows(source, database, 'latest');
      snapshots.latest = snapshotTables(source, database);

      const dump = runStep(job, job.dump, work, dumpOverrides());
      const copy = runStep(job, job.copy!, work, copyOverrides(), [path.dirname(rclone)]);
      jobRun = { dump: dump.status!, copy: copy.status! };
      expect(dump.status, dump.stderr).toBe(0);
      expect(copy.status, copy.stderr).toBe(0);
      const newest = listing(backupDir).at(-1)!;
      expect(listing(backupDir)).toEqual([kept29, newest]);
      expect(listing(remoteFolder())).toEqual([kept60, kept29, newest]);
      expect(listing(remoteFolder())).not.toContain(expired);
      expect(fs.readFileSync(path.join(remoteFolder(), newest)).equals(fs.readFileSync(path.join(backupDir, newest)))).toBe(true);
    }, 180_000);

    it('restores the newest offsite dump with the runbook\'s commands into a fresh server, once the source is gone: every table, row for row', async () => {
      const sourceData = source.dataDir;
      await source.stop();
      fs.rmSync(sourceData, { recursive: true, force: true });
      fresh = await ThrowawayPostgres.create(processes, path.join(work, 'fresh'));
      createDatabase(fresh);

      const result = runRunbook([FETCH, RESTORE], path.join(work, 'restore-newest'));
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout).toContain(`restore: ${database} restored from ${listing(backupDir).at(-1)}`);
      const restored = snapshotTables(fresh, database);
      expect(Object.keys(restored.rows).sort()).toEqual(['public.api_keys', 'public.articles', 'public.events', 'public.urls', 'public.users']);
      expect(restored).toEqual(snapshots.latest);
    }, 180_000);

    it('restores each older dump the retentions kept, over the restored database, to exactly the data it was taken of', () => {
      const kept = listing(remoteFolder()).slice(0, -1);
      expect(kept).toHaveLength(2);
      for (const [dump, batch] of [[kept[0], 'second'], [kept[1], 'third']]) {
        const result = runRunbook([FETCH, RESTORE], path.join(work, `restore-${batch}`), { DUMP: dump });
        expect(result.status, result.stderr).toBe(0);
        expect(snapshotTables(fresh, database), dump).toEqual(snapshots[batch]);
      }
    }, 180_000);

    it('fails the offsite copy with NoSuchBucket when its bucket does not exist (a misspelt bucket), and creates none', () => {
      const [bucket, ...folder] = remote().replace(/^offsite:/, '').split('/');
      const wrong = `${bucket}-typo`;
      const copy = runStep(job, job.copy!, work, { ...copyOverrides(), OFFSITE_REMOTE: `offsite:${wrong}/${folder.join('/')}`, RCLONE_RETRIES: '1', RCLONE_LOW_LEVEL_RETRIES: '1' }, [path.dirname(rclone)]);
      wrongBucketRun = copy.status!;
      expect(copy.status).not.toBe(0);
      expect(copy.stderr).toContain('NoSuchBucket: The specified bucket does not exist');
      expect(fs.existsSync(path.join(s3.root, wrong))).toBe(false);
    }, 120_000);

    it('fires PostgresDumpFailing 26 h after the last good run when the runs after it fail as the broken copy did, and not before', () => {
      expect(jobRun && wrongBucketRun !== undefined, 'the job runs above').toBe(true);
      const rules = distObjects.find(o => o.kind === 'ConfigMap' && o.metadata.name === 'prometheus-rules').data[`${job.namespace}-${job.name}-dump.yml`];
      expect(rules, `no rule file for ${job.namespace}/${job.name}`).toBeDefined();
      const service = parse(rules).groups[0].rules[0].labels.service;
      // kube-state-metrics' view of the CronJob, hourly: created at 0; the drill's good run at 1 h,
      // then daily runs ending as the broken copy ended (a failed Job leaves the last success as it was).
      const runs = new Map([[1, jobRun!.dump === 0 && jobRun!.copy === 0], [25, wrongBucketRun === 0], [49, wrongBucketRun === 0]]);
      let last: number | undefined;
      const values = Array.from({ length: 60 }, (_, hour) => {
        if (runs.get(hour)) last = hour * 3600;
        return last === undefined ? '_' : String(last);
      }).join(' ');
      const ksm = `job="kube-state-metrics",namespace="${job.namespace}",cronjob="${job.name}"`;
      const result = promtoolTestAlert(path.join(work, 'promtool'), rules, 'PostgresDumpFailing', '1h', [
        { series: `kube_cronjob_status_last_successful_time{${ksm}}`, values },
        { series: `kube_cronjob_created{${ksm}}`, values: '0x59' },
      ], [
        { evalTime: '26h', labels: [] },
        { evalTime: '28h', labels: [{ namespace: job.namespace, cronjob: job.name, service, severity: 'warning' }] },
      ]);
      expect(result.status, result.output).toBe(0);
    });

    it('refuses a truncated offsite dump before touching the database, naming the file', () => {
      const before = snapshotTables(fresh, database);
      const newest = listing(remoteFolder()).at(-1)!;
      const truncated = `${database}-${stamp(Date.now() + DAY_MS)}.dump`;
      const content = fs.readFileSync(path.join(remoteFolder(), newest));
      const file = path.join(work, truncated);
      fs.writeFileSync(file, content.subarray(0, Math.floor(content.length / 2)));
      upload(file, truncated);
      const result = runRunbook([FETCH, RESTORE], path.join(work, 'restore-truncated'));
      expect(result.stdout).toContain(`restore: fetched ${truncated}`);
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain(`restore: ${truncated} is not a complete dump; take an older one`);
      expect(snapshotTables(fresh, database)).toEqual(before);
    }, 120_000);

    it('restores a dump from the volume in the pod the runbook\'s jq makes of the CronJob\'s Job, with that pod\'s variables', () => {
      const block = sectionBlocks.find(b => b.headings.includes(VOLUME) && /\bjq\b/.test(b.code));
      const program = block && /\bjq '([\s\S]*?)'/.exec(block.code)?.[1];
      expect(program, `a jq program under "${VOLUME}"`).toBeDefined();
      // What `kubectl create job --from=cronjob/...` makes: the CronJob's job template as a Job.
      const cronJob = distObjects.find(o => o.kind === 'CronJob' && o.metadata.namespace === job.namespace && o.metadata.name === job.name);
      const made = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: `${job.name}-restore`, namespace: job.namespace }, spec: cronJob.spec.jobTemplate.spec };
      const pod = JSON.parse(execFileSync(requireProgram('jq'), [program!], { input: JSON.stringify(made), encoding: 'utf8' })).spec.template.spec;
      expect(pod.initContainers).toBeUndefined();
      expect(pod.containers.map((c: any) => [c.name, c.command])).toEqual([['pg-dump', ['sleep', '3600']]]);
      expect(pod.containers[0].env).toEqual(job.dump.env);
      expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'backups', mountPath: '/backups' });
      // In that pod, in /backups: the restore steps, with its variables (the database's host and the Secret's value swapped for the drill's).
      const dump = listing(backupDir)[0];
      const steps = runBlocks(restoreSteps(), {
        cwd: backupDir,
        env: { PATH: `${path.dirname(requireProgram('pg_restore'))}:/usr/bin:/bin`, ...plainEnv(pod.containers[0]), ...secretValues(job.dump), PGHOST: '127.0.0.1', PGPORT: String(fresh.port), DUMP: dump },
      });
      expect(steps.status, steps.stderr).toBe(0);
      expect(snapshotTables(fresh, database)).toEqual(snapshots.third);
    }, 120_000);

    it('says where it looked when no dump is under the remote path (a wrong path)', () => {
      const wrong = `${remote()}-wrong`;
      const result = runRunbook([FETCH], path.join(work, 'restore-wrong-path'), { OFFSITE_REMOTE: wrong });
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain(`restore: no dump of ${database} under ${wrong}`);
    }, 120_000);

    it('ran every runbook step of its path outside the cluster; the steps in the cluster name its own objects', () => {
      expect([...steps(FETCH), ...steps(RESTORE)].filter(b => !ran.has(b)).map(b => `line ${b.line}`)).toEqual([]);
      const vars: Record<string, string> = { NAMESPACE: job.namespace, CRONJOB: job.name, SERVICE: dumpEnv.PGHOST };
      const service = distObjects.find(o => o.kind === 'Service' && o.metadata.namespace === job.namespace && o.metadata.name === vars.SERVICE);
      expect(service?.spec.ports.map((p: any) => p.port), `Service ${job.namespace}/${vars.SERVICE}`).toContain(5432);
      for (const block of sectionBlocks.filter(isClusterStep)) {
        const code = block.code.replace(/\$\{?(\w+)\}?/g, (m, v) => vars[v] ?? m);
        for (const [, ns] of code.matchAll(/kubectl -n "?([\w-]+)/g)) expect(ns, `line ${block.line}`).toBe(job.namespace);
        for (const [, name] of code.matchAll(/cronjob[/ ]"?([\w-]+)/g)) expect(name, `line ${block.line}`).toBe(job.name);
        for (const [, name] of code.matchAll(/svc\/"?([\w-]+)/g)) expect(name, `line ${block.line}`).toBe(vars.SERVICE);
      }
    });
  });
}
