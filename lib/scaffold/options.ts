import { parseImage } from '../k8s/image';
import { isDnsLabel, isHostname } from '../k8s/names';

/** What `npm run new-app` is asked for. */
export interface NewAppOptions {
  /** The app's name: chart file, folder, namespace. */
  readonly name: string;
  /** @default 'apps' */
  readonly category: string;
  /** A single-instance PostgreSQL, with its password from the secret store. */
  readonly postgres: boolean;
  /** A Valkey cache. */
  readonly valkey: boolean;
  /** A public hostname routed to the web service. @default - reachable inside the cluster only */
  readonly publicHost?: string;
  /** The container image, pinned to a version; added to lib/images.ts. @default - left to fill in: synth fails naming the line */
  readonly image?: string;
  /** The port the container listens on. @default - left to fill in */
  readonly port?: number;
  /** The path its readiness and liveness probes GET, which must answer 2xx or 3xx. @default - left to fill in */
  readonly healthPath?: string;
}

/** What `new-app` needs to write a chart that is finished, not a placeholder that passes. */
export const REQUIRED: readonly { readonly flag: string; readonly key: 'image' | 'port' | 'healthPath'; readonly question: string }[] = [
  { flag: '--image', key: 'image', question: 'Container image, pinned to a version (e.g. ghcr.io/paperless-ngx/paperless-ngx:2.14.7)' },
  { flag: '--port', key: 'port', question: 'Port the container listens on (e.g. 8000)' },
  { flag: '--health-path', key: 'healthPath', question: 'Path that answers 2xx when the app is ready (e.g. /health or /)' },
];

/** A bad command line, found before anything is written; its message names the flag. */
export class UsageError extends Error {}

export const USAGE = 'usage: npm run new-app -- <name> --image <registry/repository:tag> --port <port> --health-path </path> [--category apps] [--postgres] [--valkey] [--public <host>]';

const DNS_LABEL_RULE = "lowercase letters, digits and '-', at most 63 characters, starting and ending with a letter or digit";
const HOSTNAME_RULE = "lowercase letters, digits, '-' and '.', at least two labels, each starting and ending with a letter or digit";

/** Checks one of the values `new-app` asks for; returns it parsed, or throws naming the flag. */
export function checkRequired(key: 'image' | 'port' | 'healthPath', raw: string): string | number {
  const flag = REQUIRED.find(r => r.key === key)!.flag;
  if (key === 'image') {
    const { tag, digest } = parseImage(raw);
    if (!/^[a-z0-9][a-z0-9./_:-]*(@sha256:[a-f0-9]{64})?$/.test(raw)) throw new UsageError(`${flag}: "${raw}" is not an image reference (registry/repository:tag)`);
    if (!digest && (!tag || tag === 'latest')) throw new UsageError(`${flag}: "${raw}" is not pinned to a version; give its tag, e.g. ${parseImage(raw).repository}:1.2.3`);
    return raw;
  }
  if (key === 'port') {
    const port = Number(raw);
    if (!/^\d+$/.test(raw) || port < 1 || port > 65535) throw new UsageError(`${flag}: "${raw}" is not a port (1-65535)`);
    return port;
  }
  if (!/^\/[\x21-\x7e]*$/.test(raw)) throw new UsageError(`${flag}: "${raw}" is not an absolute path (it starts with /)`);
  return raw;
}

/** Parses and checks the arguments after `npm run new-app --`. */
export function parseNewAppArgs(argv: string[]): NewAppOptions {
  let name: string | undefined;
  let category = 'apps';
  let postgres = false;
  let valkey = false;
  let publicHost: string | undefined;
  const given: Partial<Record<'image' | 'port' | 'healthPath', string | number>> = {};
  const value = (flag: string, i: number): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag}: needs a value\n${USAGE}`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const required = REQUIRED.find(r => r.flag === arg);
    if (arg === '--postgres') postgres = true;
    else if (arg === '--valkey') valkey = true;
    else if (arg === '--category') category = value(arg, i++);
    else if (arg === '--public') publicHost = value(arg, i++);
    else if (required) given[required.key] = checkRequired(required.key, value(arg, i++));
    else if (arg.startsWith('-')) throw new UsageError(`${arg}: unknown flag\n${USAGE}`);
    else if (name !== undefined) throw new UsageError(`${arg}: one app name only (already given: ${name})\n${USAGE}`);
    else name = arg;
  }
  if (name === undefined) throw new UsageError(`<name>: missing\n${USAGE}`);
  if (!isDnsLabel(name) || !/^[a-z]/.test(name)) throw new UsageError(`<name>: "${name}" is not a DNS label starting with a letter (${DNS_LABEL_RULE})`);
  if (name === 'platform') throw new UsageError('<name>: "platform" is charts/platform.ts itself; choose another name');
  if (!isDnsLabel(category)) throw new UsageError(`--category: "${category}" is not a DNS label (${DNS_LABEL_RULE})`);
  if (publicHost !== undefined && !isHostname(publicHost)) throw new UsageError(`--public: "${publicHost}" is not a fully qualified hostname (${HOSTNAME_RULE})`);
  return {
    name, category, postgres, valkey, publicHost,
    ...(given.image !== undefined ? { image: given.image as string } : {}),
    ...(given.port !== undefined ? { port: given.port as number } : {}),
    ...(given.healthPath !== undefined ? { healthPath: given.healthPath as string } : {}),
  };
}

/** `wiki-engine` -> `WikiEngine`. */
export const pascalCase = (name: string) => name.split('-').map(p => p.charAt(0).toUpperCase() + p.slice(1)).join('');

/** `wiki-engine` -> `wikiEngine`: the app's key in lib/images.ts. */
export const camelCase = (name: string) => name.replace(/-(.)/g, (_, c: string) => c.toUpperCase());

/** `wiki-engine` -> `WIKI_ENGINE`. */
export const constantCase = (name: string) => name.toUpperCase().replace(/-/g, '_');
