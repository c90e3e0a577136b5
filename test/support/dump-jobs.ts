import { spawnSync, SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readObjects } from '../../lib/cluster/sources';
import { busyboxPath } from './servers';
import { REPO_ROOT } from './platform';

interface EnvVar { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }
interface Container { name: string; command: string[]; env: EnvVar[] }

/** A daily dump CronJob as rendered in dist/: its scripts, and the environment of each of its steps. */
export interface DumpJob {
  readonly file: string;
  readonly namespace: string;
  readonly name: string;
  /** The files of its scripts ConfigMap (backup.sh, offsite.sh, ...). */
  readonly scripts: Record<string, string>;
  readonly dump: Container;
  /** The offsite copy, when it has one. */
  readonly copy?: Container;
}

/** Every CronJob of dist/ with a `pg-dump` container: the backups of every single-instance database. */
export function renderedDumpJobs(dist = path.join(REPO_ROOT, 'dist')): DumpJob[] {
  const objects = readObjects(dist).map(o => ({ file: o.file, m: o.object as any }));
  return objects.filter(o => o.m.kind === 'CronJob').flatMap(({ file, m }) => {
    const pod = m.spec.jobTemplate.spec.template.spec;
    const containers: Container[] = [...(pod.initContainers ?? []), ...pod.containers];
    const dump = containers.find(c => c.name === 'pg-dump');
    if (!dump) return [];
    const scriptsVolume = pod.volumes.find((v: any) => v.name === 'scripts');
    const configMap = objects.find(o => o.m.kind === 'ConfigMap' && o.m.metadata.namespace === m.metadata.namespace && o.m.metadata.name === scriptsVolume?.configMap?.name);
    if (!configMap) throw new Error(`${file}: no ConfigMap ${scriptsVolume?.configMap?.name} for its scripts volume`);
    return [{ file, namespace: m.metadata.namespace, name: m.metadata.name, scripts: configMap.m.data, dump, copy: containers.find(c => c.name === 'offsite-copy') }];
  });
}

/** A container's variables with a plain value; those from a Secret are listed by `secretVars`. */
export function plainEnv(c: Container): Record<string, string> {
  return Object.fromEntries(c.env.filter(e => e.value !== undefined).map(e => [e.name, e.value!]));
}

/** The variables a container reads from Secrets, each with the Secret and key. */
export function secretVars(c: Container): Record<string, { name: string; key: string }> {
  return Object.fromEntries(c.env.filter(e => e.valueFrom?.secretKeyRef).map(e => [e.name, e.valueFrom!.secretKeyRef!]));
}

/**
 * Runs one step of the Job as its container would: its command (`sh /scripts/<file>`) on the
 * rendered script, with busybox's sh and tools first on PATH (the Alpine images'), the container's
 * plain variables, then `env` (what the Secrets, the volumes and the loopback servers provide).
 */
export function runStep(job: DumpJob, container: Container, workDir: string, env: Record<string, string>, extraPath: string[] = []): SpawnSyncReturns<string> {
  const [shell, script] = container.command;
  if (shell !== 'sh' || !script?.startsWith('/scripts/')) throw new Error(`${job.file}: ${container.name} runs ${container.command.join(' ')}, not sh /scripts/<file>`);
  const scripts = path.join(workDir, 'scripts');
  fs.mkdirSync(scripts, { recursive: true });
  for (const [name, content] of Object.entries(job.scripts)) fs.writeFileSync(path.join(scripts, name), content);
  const PATH = [busyboxPath(workDir), ...extraPath, '/usr/bin', '/bin'].join(':');
  return spawnSync('sh', [path.join(scripts, path.basename(script))], {
    encoding: 'utf8', timeout: 120_000, env: { PATH, HOME: workDir, ...plainEnv(container), ...env },
  });
}
