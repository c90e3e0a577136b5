import { NewAppOptions, camelCase, constantCase, pascalCase } from './options';

/**
 * The source of `charts/<name>.ts` for a new app: a WebService driven by one typed config object,
 * with the database, cache, credential and route asked for, every connection declared.
 */
export function appChartSource(o: NewAppOptions): string {
  const Name = pascalCase(o.name);
  const DEFAULTS = `${constantCase(o.name)}_DEFAULTS`;
  const missing = {
    image: o.image === undefined,
    port: o.port === undefined,
    healthPath: o.healthPath === undefined,
  };
  const anyMissing = missing.image || missing.port || missing.healthPath;
  const imports = [
    "import { Overrides, withDefaults } from '../lib/config';",
    ...(o.postgres ? ["import { Postgres } from '../lib/data/postgres';"] : []),
    ...(o.valkey ? ["import { Valkey } from '../lib/data/valkey';"] : []),
    ...(o.image !== undefined ? ["import { IMAGES } from '../lib/images';"] : []),
    ...(o.postgres ? ["import { EnvValue } from '../lib/k8s/env';"] : []),
    "import { Probe } from '../lib/k8s/probe';",
    "import { AppChart } from '../lib/platform/app-chart';",
    "import { Platform } from '../lib/platform/platform';",
    ...(anyMissing ? ["import { fillIn } from '../lib/scaffold/fill-in';"] : []),
    ...(o.postgres ? ["import { externalSecret } from '../lib/secrets/external-secret';"] : []),
    "import { ResourcesProps } from '../lib/workloads/resources';",
    "import { WEB_SERVICE_DEFAULTS, WebService } from '../lib/web/web-service';",
  ];
  const config = [
    '  /** Container image, pinned to a version in lib/images.ts, where Renovate keeps it current. */',
    `  readonly image${missing.image ? '?' : ''}: string;`,
    '  /** Port the container listens on. */',
    `  readonly port${missing.port ? '?' : ''}: number;`,
    '  /** Path the readiness and liveness probes GET: it answers 2xx or 3xx once the app serves. */',
    `  readonly healthPath${missing.healthPath ? '?' : ''}: string;`,
    '  readonly replicas: number;',
    '  readonly resources: ResourcesProps;',
    ...(o.publicHost ? ['  /** Public hostname: DNS record, certificate and tunnel route. */', '  readonly hostname: string;'] : []),
    ...(o.postgres ? ['  readonly database: { readonly name: string; readonly user: string; readonly storageSize: string };'] : []),
  ];
  const defaults = [
    ...(o.image !== undefined ? [`  image: IMAGES.${camelCase(o.name)},`] : []),
    ...(o.port !== undefined ? [`  port: ${o.port},`] : []),
    ...(o.healthPath !== undefined ? [`  healthPath: '${o.healthPath}',`] : []),
    '  replicas: 2,',
    "  resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } },",
    ...(o.publicHost ? [`  hostname: '${o.publicHost}',`] : []),
    ...(o.postgres ? [`  database: { name: '${o.name.replace(/-/g, '_')}', user: '${o.name.replace(/-/g, '_')}', storageSize: '10Gi' },`] : []),
  ];
  const body: string[] = [];
  // What new-app was not told stays a call that fails synthesis, naming this file and line.
  const value = (key: 'image' | 'port' | 'healthPath', type: string, how: string) =>
    (missing[key] ? `config.${key} ?? fillIn<${type}>('${key}', '${how}')` : `config.${key}`);
  body.push(
    `    const image = ${value('image', 'string', `the container image, pinned to a version: add it to IMAGES in lib/images.ts as ${camelCase(o.name)} (registry/repository:1.2.3) and set image: IMAGES.${camelCase(o.name)} in ${DEFAULTS}`)};`,
    `    const port = ${value('port', 'number', `the port the container listens on: set port in ${DEFAULTS}`)};`,
    `    const healthPath = ${value('healthPath', 'string', `the path that answers 2xx once the app serves (/health, /): set healthPath in ${DEFAULTS}`)};`,
  );
  if (o.postgres) {
    body.push(
      `    // The password comes from the secret store, item ${o.name}-${o.name}-postgres (dist/README.md lists every item; docs/operations.md says how to provide them).`,
      `    const password = externalSecret(this, { name: '${o.name}-postgres', keys: ['password'], usedBy: "${o.name}'s PostgreSQL user" });`,
      "    const postgres = new Postgres(this, 'postgres', {",
      '      database: config.database.name,',
      '      user: config.database.user,',
      "      passwordSecret: { name: password.name, key: 'password' },",
      '      storageSize: config.database.storageSize,',
      '    });',
    );
  }
  if (o.valkey) body.push("    const cache = new Valkey(this, 'valkey');");
  const env = [
    ...(o.postgres ? [
      '        DATABASE_HOST: postgres.clientHost,',
      '        DATABASE_PORT: String(postgres.port),',
      '        DATABASE_NAME: postgres.database,',
      '        DATABASE_USER: postgres.user,',
      '        DATABASE_PASSWORD: EnvValue.fromSecret(postgres.passwordSecret.name, postgres.passwordSecret.key),',
    ] : []),
    ...(o.valkey ? ['        REDIS_URL: cache.url,'] : []),
  ];
  const targets = [...(o.postgres ? ['postgres'] : []), ...(o.valkey ? ['cache'] : [])];
  body.push(
    "    this.web = new WebService(this, 'web', {",
    `      name: '${o.name}',`,
    '      image,',
    '      port,',
    '      // The default probes\' timings (seed 000), on the path the app answers.',
    '      readiness: Probe.http(healthPath, WEB_SERVICE_DEFAULTS.readiness.timings),',
    '      liveness: Probe.http(healthPath, WEB_SERVICE_DEFAULTS.liveness.timings),',
    '      replicas: config.replicas,',
    '      resources: config.resources,',
    ...(env.length ? ['      env: {', ...env, '      },'] : []),
    ...(o.publicHost ? ['      ingress: { hosts: [config.hostname] },'] : []),
    `    })${targets.length ? `.connectsTo(${targets.join(', ')})` : ''};`,
  );
  return [
    ...imports,
    '',
    `/** Settings of ${o.name}; override any of them where charts/platform.ts adds the chart. */`,
    `export interface ${Name}Config {`,
    ...config,
    '}',
    '',
    `export const ${DEFAULTS}: ${Name}Config = {`,
    ...defaults,
    '};',
    '',
    `/** ${o.name}: a web service${o.postgres ? ', its PostgreSQL' : ''}${o.valkey ? ', a Valkey cache' : ''}${o.publicHost ? `, public at ${o.publicHost}` : ''}. Written by \`npm run new-app\`. */`,
    `export class ${Name}Chart extends AppChart {`,
    `  public readonly config: ${Name}Config;`,
    '  public readonly web: WebService;',
    '',
    `  constructor(platform: Platform, id = '${o.name}', overrides: Overrides<${Name}Config> = {}) {`,
    `    super(platform, id, { category: '${o.category}' });`,
    `    const config = withDefaults(${DEFAULTS}, overrides);`,
    '    this.config = config;',
    '',
    ...body,
    '  }',
    '}',
    '',
  ].join('\n');
}
