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
}

/** A bad command line, found before anything is written; its message names the flag. */
export class UsageError extends Error {}

export const USAGE = 'usage: npm run new-app -- <name> [--category apps] [--postgres] [--valkey] [--public <host>]';

const DNS_LABEL_RULE = "lowercase letters, digits and '-', at most 63 characters, starting and ending with a letter or digit";
const HOSTNAME_RULE = "lowercase letters, digits, '-' and '.', at least two labels, each starting and ending with a letter or digit";

/** Parses and checks the arguments after `npm run new-app --`. */
export function parseNewAppArgs(argv: string[]): NewAppOptions {
  let name: string | undefined;
  let category = 'apps';
  let postgres = false;
  let valkey = false;
  let publicHost: string | undefined;
  const value = (flag: string, i: number): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag}: needs a value\n${USAGE}`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--postgres') postgres = true;
    else if (arg === '--valkey') valkey = true;
    else if (arg === '--category') category = value(arg, i++);
    else if (arg === '--public') publicHost = value(arg, i++);
    else if (arg.startsWith('-')) throw new UsageError(`${arg}: unknown flag\n${USAGE}`);
    else if (name !== undefined) throw new UsageError(`${arg}: one app name only (already given: ${name})\n${USAGE}`);
    else name = arg;
  }
  if (name === undefined) throw new UsageError(`<name>: missing\n${USAGE}`);
  if (!isDnsLabel(name) || !/^[a-z]/.test(name)) throw new UsageError(`<name>: "${name}" is not a DNS label starting with a letter (${DNS_LABEL_RULE})`);
  if (name === 'platform') throw new UsageError('<name>: "platform" is charts/platform.ts itself; choose another name');
  if (!isDnsLabel(category)) throw new UsageError(`--category: "${category}" is not a DNS label (${DNS_LABEL_RULE})`);
  if (publicHost !== undefined && !isHostname(publicHost)) throw new UsageError(`--public: "${publicHost}" is not a fully qualified hostname (${HOSTNAME_RULE})`);
  return { name, category, postgres, valkey, publicHost };
}

/** `wiki-engine` -> `WikiEngine`. */
export const pascalCase = (name: string) => name.split('-').map(p => p.charAt(0).toUpperCase() + p.slice(1)).join('');

/** `wiki-engine` -> `WIKI_ENGINE`. */
export const constantCase = (name: string) => name.toUpperCase().replace(/-/g, '_');
