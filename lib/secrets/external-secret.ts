import { IConstruct } from 'constructs';
import { Construct } from 'constructs';
import { ExternalSecret as ExternalSecretObject, ExternalSecretProps, ExternalSecretSpecSecretStoreRefKind, ExternalSecretSpecTargetCreationPolicy } from '../../imports/external-secrets-externalsecret-external-secrets.io';
import { fail } from '../errors';
import { standardLabels } from '../k8s/labels';
import { assertDnsLabel } from '../k8s/names';
import { EXTERNAL_SECRETS } from '../operators/external-secrets';
import { AppChart } from '../platform/app-chart';
import { Platform } from '../platform/platform';
import { PreCreatedSecret } from '../platform/secret-store-settings';
import { requireOperator } from '../operators/require-operator';

/** A credential an app reads: the Secret's name, its keys, and what uses it (for the README). */
export interface CredentialProps {
  /** Name of the Secret in the app's namespace. */
  readonly name: string;
  /** Its keys, each a field of the store's item. */
  readonly keys: string[];
  /** What reads it, as `dist/README.md` lists it. */
  readonly usedBy: string;
}

/** A Secret written by an ExternalSecret: where in the store its values come from. */
export interface ProvidedSecret extends CredentialProps {
  readonly namespace: string;
  /** The store's item, `<namespace>-<name>`; each key is the field of the same name. */
  readonly item: string;
}

/** The ExternalSecret of one credential; its `data` follows the keys declared up to synthesis. */
class CredentialExternalSecret extends ExternalSecretObject {
  constructor(scope: Construct, id: string, props: ExternalSecretProps, public provided: ProvidedSecret) {
    super(scope, id, props);
  }

  public override toJson(): { spec: Record<string, unknown> } {
    const json = super.toJson() as { spec: Record<string, unknown> };
    json.spec.data = this.provided.keys.map(key => ({ secretKey: key, remoteRef: { key: `${this.provided.item}/${key}` } }));
    return json;
  }
}

/** A Secret a component of its app creates when it runs (Argo CD's Redis password). */
export interface RunTimeSecret {
  readonly namespace: string;
  readonly name: string;
  readonly createdBy: string;
}

interface CredentialRegistry {
  /** The ExternalSecrets' targets, by `<namespace>/<name>`; a second declaration merges keys. */
  readonly external: Map<string, ProvidedSecret>;
  readonly preCreated: Map<string, PreCreatedSecret>;
  readonly runTime: Map<string, RunTimeSecret>;
}

const CREDENTIALS = Symbol('platform.credentials');

function registryOf(scope: IConstruct): CredentialRegistry {
  return Platform.of(scope).declarations.extension(CREDENTIALS, (): CredentialRegistry => ({ external: new Map(), preCreated: new Map(), runTime: new Map() }));
}

/**
 * Declares a credential the pods of `scope`'s app read and renders the ExternalSecret that creates
 * it from the platform's ClusterSecretStore: item `<namespace>-<name>`, one field per key
 * (`<item>/<key>`). Declaring one name twice in an app merges the keys. Requires the
 * external-secrets operator.
 * @see https://external-secrets.io/latest/api/externalsecret/
 */
export function externalSecret(scope: IConstruct, props: CredentialProps): ProvidedSecret {
  const chart = AppChart.of(scope);
  const platform = Platform.of(scope);
  assertDnsLabel(scope, 'name', props.name);
  if (props.keys.length === 0) fail(scope, 'keys', `Secret ${props.name} needs at least one key`);
  for (const [i, key] of props.keys.entries()) {
    if (!/^[-._a-zA-Z0-9]+$/.test(key)) fail(scope, `keys[${i}]`, `"${key}" is not a valid Secret key`);
  }
  const id = `ExternalSecret-${props.name}`;
  const existing = chart.node.tryFindChild(id) as CredentialExternalSecret | undefined;
  const keys = [...new Set([...(existing?.provided.keys ?? []), ...props.keys])].sort();
  const usedBy = existing && existing.provided.usedBy !== props.usedBy ? `${existing.provided.usedBy}; ${props.usedBy}` : props.usedBy;
  const item = `${chart.namespace}-${props.name}`;
  const provided: ProvidedSecret = { namespace: chart.namespace, name: props.name, keys, usedBy, item };
  platform.declarations._checkOpen(scope, `credential ${props.name}`);
  registryOf(scope).external.set(`${provided.namespace}/${provided.name}`, provided);
  if (existing) {
    existing.provided = provided;
    return provided;
  }
  requireOperator(scope, EXTERNAL_SECRETS);
  new CredentialExternalSecret(chart, id, {
    metadata: { name: props.name, labels: standardLabels({ name: props.name, app: chart.appName, component: 'credentials' }) },
    spec: {
      refreshInterval: platform.secretStore.refreshInterval,
      secretStoreRef: { kind: ExternalSecretSpecSecretStoreRefKind.CLUSTER_SECRET_STORE, name: platform.secretStore.name },
      target: { name: props.name, creationPolicy: ExternalSecretSpecTargetCreationPolicy.OWNER },
    },
  }, provided);
  return provided;
}

/**
 * Whether an ExternalSecret of `scope`'s chart creates Secret `name`; asked at synthesis, when
 * every ExternalSecret is declared. Pods then need not list it as created outside the platform.
 */
export function providedByExternalSecret(scope: IConstruct, name: string): boolean {
  for (let s: IConstruct | undefined = scope; s; s = s.node.scope) {
    if (AppChart.isAppChart(s)) return s.node.tryFindChild(`ExternalSecret-${name}`) instanceof CredentialExternalSecret;
  }
  return false;
}

/**
 * Declares a Secret someone creates by hand before the first sync (the store's own credentials,
 * a DNS API token): nothing is rendered; the README lists it.
 */
export function preCreatedSecret(scope: IConstruct, secret: PreCreatedSecret): void {
  Platform.of(scope).declarations._checkOpen(scope, `pre-created Secret ${secret.name}`);
  registryOf(scope).preCreated.set(`${secret.namespace}/${secret.name}`, secret);
}

/**
 * Declares a Secret that a component of `scope`'s app creates when it starts, in the app's
 * namespace: nothing is rendered and nobody creates it by hand, yet its readers may name it.
 */
export function runTimeSecret(scope: IConstruct, name: string, createdBy: string): void {
  const chart = AppChart.of(scope);
  Platform.of(scope).declarations._checkOpen(scope, `run-time Secret ${name}`);
  registryOf(scope).runTime.set(`${chart.namespace}/${name}`, { namespace: chart.namespace, name, createdBy });
}

/**
 * Every credential of the platform `scope` belongs to: the ExternalSecrets' targets and the
 * pre-created Secrets, sorted by namespace and name. It reads the derived platform (the edge
 * declares the DNS solver's token in the derive phase) and never runs that phase itself:
 * render or synthesize first.
 */
export function credentialsOf(scope: IConstruct): { external: ProvidedSecret[]; preCreated: PreCreatedSecret[]; runTime: RunTimeSecret[] } {
  const platform = Platform.of(scope);
  if (!platform.derived) fail(scope, 'credentials', 'are read once the platform is derived; render it (or call platform.derive()) first');
  const { external, preCreated, runTime } = registryOf(platform);
  const order = (a: { namespace: string; name: string }, b: { namespace: string; name: string }) =>
    a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name);
  return { external: [...external.values()].sort(order), preCreated: [...preCreated.values()].sort(order), runTime: [...runTime.values()].sort(order) };
}
