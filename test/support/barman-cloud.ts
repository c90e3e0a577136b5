import { BARMAN_PLUGIN_NAME } from '../../lib/operators/cloudnative-pg';

/*
 * What the Barman Cloud plugin (v0.14.0, with cloudnative-pg/barman-cloud, the library it builds its
 * commands with) runs for a Cluster and its ObjectStore: the arguments of each barman-cloud program
 * and the credentials' environment, derived from the rendered objects the way that code derives
 * them. Every field of the ObjectStore must be one this file knows, so a setting the platform
 * starts to render (encryption, tags, another provider) fails here until the drill uses it too.
 */

interface SecretRef { name: string; key: string }

/** The plugin's commands for one cluster. */
export interface BarmanCloudPlan {
  readonly cluster: string;
  readonly namespace: string;
  readonly destinationPath: string;
  readonly endpointURL?: string;
  /** Where the backups go under destinationPath: the plugin's `serverName` parameter, else the cluster's name. */
  readonly serverName: string;
  /** The variables the plugin sets from the Secrets the ObjectStore names. */
  readonly credentials: { AWS_ACCESS_KEY_ID: SecretRef; AWS_SECRET_ACCESS_KEY: SecretRef };
  /** The sidecar's own variables (`instanceSidecarConfiguration.env`), which every barman-cloud program inherits. */
  readonly sidecarEnv: Record<string, string>;
  /** `archive_command`'s program: then the segment's path. */
  readonly walArchive: string[];
  /** A base backup named `name` (the plugin connects as postgres over the pod's socket). */
  backup(name: string): string[];
  /** The retention run: `--retention-policy "RECOVERY WINDOW OF <n> <unit>"`. */
  readonly backupDelete: string[];
  /** `restore_command`'s program: then the segment's name and where to put it. */
  readonly walRestore: string[];
  /** The recovery of a base backup: then nothing; backup ID and PGDATA are its last two arguments. */
  restore(backupId: string, pgdata: string): string[];
}

const KNOWN_CONFIGURATION = new Set(['destinationPath', 'endpointURL', 's3Credentials', 'wal', 'data']);
const KNOWN_COMPRESSION = new Set(['compression']);
const RETENTION = /^([1-9][0-9]*)([dwm])$/;

/** The plugin's plan for a rendered Cluster and the ObjectStore it names; fails naming any field the plugin would use that this file does not know. */
export function barmanCloudPlan(cluster: any, objectStore: any): BarmanCloudPlan {
  const where = `ObjectStore ${objectStore.metadata.namespace}/${objectStore.metadata.name}`;
  const plugin = (cluster.spec.plugins ?? []).find((p: any) => p.name === BARMAN_PLUGIN_NAME);
  if (!plugin?.isWALArchiver) throw new Error(`Cluster ${cluster.metadata.name}: the ${BARMAN_PLUGIN_NAME} plugin is not its WAL archiver`);
  if (plugin.parameters?.barmanObjectName !== objectStore.metadata.name) throw new Error(`Cluster ${cluster.metadata.name}: barmanObjectName is not ${objectStore.metadata.name}`);
  const unknownParameters = Object.keys(plugin.parameters).filter(k => !['barmanObjectName', 'serverName'].includes(k));
  if (unknownParameters.length) throw new Error(`Cluster ${cluster.metadata.name}: plugin parameters ${unknownParameters.join(', ')} are unknown to the drill`);
  const c = objectStore.spec.configuration;
  const unknown = [
    ...Object.keys(objectStore.spec).filter(k => !['configuration', 'retentionPolicy', 'instanceSidecarConfiguration'].includes(k)).map(k => `spec.${k}`),
    ...Object.keys(objectStore.spec.instanceSidecarConfiguration ?? {}).filter(k => k !== 'env').map(k => `spec.instanceSidecarConfiguration.${k}`),
    ...(objectStore.spec.instanceSidecarConfiguration?.env ?? []).filter((e: any) => e.value === undefined).map((e: any) => `spec.instanceSidecarConfiguration.env ${e.name} (not a plain value)`),
    ...Object.keys(c).filter(k => !KNOWN_CONFIGURATION.has(k)).map(k => `spec.configuration.${k}`),
    ...['wal', 'data'].flatMap(part => Object.keys(c[part] ?? {}).filter(k => !KNOWN_COMPRESSION.has(k)).map(k => `spec.configuration.${part}.${k}`)),
  ];
  if (unknown.length) throw new Error(`${where}: ${unknown.join(', ')}: the drill does not know what the plugin does with it; teach test/support/barman-cloud.ts`);
  if (!c.s3Credentials) throw new Error(`${where}: no s3Credentials; the drill runs the aws-s3 provider only`);
  const match = RETENTION.exec(objectStore.spec.retentionPolicy ?? '');
  if (!match) throw new Error(`${where}: retentionPolicy "${objectStore.spec.retentionPolicy}" is not a number of days, weeks or months`);
  const serverName: string = plugin.parameters.serverName ?? cluster.metadata.name;
  const endpoint = c.endpointURL ? ['--endpoint-url', c.endpointURL] : [];
  const provider = ['--cloud-provider', 'aws-s3'];
  const compression = (part: 'wal' | 'data') => (c[part]?.compression ? [`--${c[part].compression}`] : []);
  const target = [c.destinationPath, serverName];
  return {
    cluster: cluster.metadata.name,
    namespace: cluster.metadata.namespace,
    destinationPath: c.destinationPath,
    endpointURL: c.endpointURL,
    serverName,
    credentials: { AWS_ACCESS_KEY_ID: c.s3Credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: c.s3Credentials.secretAccessKey },
    sidecarEnv: Object.fromEntries((objectStore.spec.instanceSidecarConfiguration?.env ?? []).map((e: any) => [e.name, e.value])),
    walArchive: [...compression('wal'), ...endpoint, ...provider, ...target],
    backup: name => ['--user', 'postgres', '--name', name, ...compression('data'), ...endpoint, ...provider, ...target],
    backupDelete: [...endpoint, ...provider, '--retention-policy', `RECOVERY WINDOW OF ${match[1]} ${{ d: 'DAYS', w: 'WEEKS', m: 'MONTHS' }[match[2]]}`, ...target],
    walRestore: [...endpoint, ...provider, ...target],
    restore: (backupId, pgdata) => [...provider, ...endpoint, ...target, backupId, pgdata],
  };
}

/** A command line as options (flag and value) and positional arguments, so that two orders of the same options compare equal. */
export function argumentSet(args: string[]): { options: string[]; positional: string[] } {
  const options: string[] = [];
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (!args[i].startsWith('--')) positional.push(args[i]);
    else if (args[i + 1] !== undefined && !args[i + 1].startsWith('--') && !['--gzip', '--bzip2', '--snappy'].includes(args[i])) options.push(`${args[i]} ${args[++i]}`);
    else options.push(args[i]);
  }
  return { options: options.sort(), positional };
}
