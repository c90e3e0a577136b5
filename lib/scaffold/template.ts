import { NewAppOptions, constantCase, pascalCase } from './options';

/**
 * The source of `charts/<name>.ts` for a new app: a WebService driven by one typed config object,
 * with the database, cache, credential and route asked for, every connection declared.
 */
export function appChartSource(o: NewAppOptions): string {
  const Name = pascalCase(o.name);
  const DEFAULTS = `${constantCase(o.name)}_DEFAULTS`;
  const imports = [
    "import { Overrides, withDefaults } from '../lib/config';",
    ...(o.postgres ? ["import { Postgres } from '../lib/data/postgres';"] : []),
    ...(o.valkey ? ["import { Valkey } from '../lib/data/valkey';"] : []),
    ...(o.postgres ? ["import { EnvValue } from '../lib/k8s/env';"] : []),
    "import { AppChart } from '../lib/platform/app-chart';",
    "import { Platform } from '../lib/platform/platform';",
    ...(o.postgres ? ["import { externalSecret } from '../lib/secrets/external-secret';"] : []),
    "import { ResourcesProps } from '../lib/workloads/resources';",
    "import { WebService } from '../lib/workloads/web-service';",
  ];
  const config = [
    '  /** Container image, pinned to a version (the platform\'s own pins live in lib/images.ts). */',
    '  readonly image: string;',
    '  /** Port the container listens on. */',
    '  readonly port: number;',
    '  readonly replicas: number;',
    '  readonly resources: ResourcesProps;',
    ...(o.publicHost ? ['  /** Public hostname: DNS record, certificate and tunnel route. */', '  readonly hostname: string;'] : []),
    ...(o.postgres ? ['  readonly database: { readonly name: string; readonly user: string; readonly storage: string };'] : []),
  ];
  const defaults = [
    `  image: 'registry.example.com/${o.name}:0.1.0',`,
    '  port: 8080,',
    '  replicas: 2,',
    "  resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } },",
    ...(o.publicHost ? [`  hostname: '${o.publicHost}',`] : []),
    ...(o.postgres ? [`  database: { name: '${o.name.replace(/-/g, '_')}', user: '${o.name.replace(/-/g, '_')}', storage: '10Gi' },`] : []),
  ];
  const body: string[] = [];
  if (o.postgres) {
    body.push(
      `    // The password comes from the secret store, item ${o.name}-${o.name}-postgres (see the README's secrets tables).`,
      `    const password = externalSecret(this, { name: '${o.name}-postgres', keys: ['password'], usedBy: "${o.name}'s PostgreSQL user" });`,
      "    const postgres = new Postgres(this, 'postgres', {",
      '      database: config.database.name,',
      '      user: config.database.user,',
      "      passwordSecret: { name: password.name, key: 'password' },",
      '      storageSize: config.database.storage,',
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
    '      image: config.image,',
    '      port: config.port,',
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
