import { Overrides, withDefaults } from '../../lib/config';
import { Postgres } from '../../lib/data/postgres';
import { EnvValue } from '../../lib/k8s/env';
import { AppChart } from '../../lib/platform/app-chart';
import { Platform } from '../../lib/platform/platform';
import { externalSecret } from '../../lib/secrets/external-secret';
import { WebService } from '../../lib/workloads/web-service';

/**
 * An app as a newcomer adds one, the README's example: a web service, a single-instance
 * PostgreSQL, a public route and a credential from the secret store. The invariant suites run over
 * the platform with it added, so that adding an app never breaks a test that is not about it.
 */
export interface SampleAppConfig {
  readonly image: string;
  readonly hostname: string;
  /** Leave out `web.connectsTo(database)`, as a mistake to be caught. @default true */
  readonly declareConnection: boolean;
  /** Leave out the credential's `externalSecret()`, as a mistake to be caught. @default true */
  readonly declareCredential: boolean;
}

export const SAMPLE_APP_DEFAULTS: SampleAppConfig = {
  image: 'registry.example.com/wiki:1.4.2',
  hostname: 'wiki.example.org',
  declareConnection: true,
  declareCredential: true,
};

export class SampleAppChart extends AppChart {
  public readonly web: WebService;
  public readonly database: Postgres;

  constructor(platform: Platform, id = 'wiki', overrides: Overrides<SampleAppConfig> = {}) {
    super(platform, id, { category: 'apps' });
    const config = withDefaults(SAMPLE_APP_DEFAULTS, overrides);
    if (config.declareCredential) externalSecret(this, { name: 'wiki-db', keys: ['password'], usedBy: "the wiki's PostgreSQL user" });
    this.database = new Postgres(this, 'database', {
      name: 'postgres',
      database: 'wiki',
      user: 'wiki',
      passwordSecret: { name: 'wiki-db', key: 'password' },
      storageSize: '5Gi',
    });
    this.web = new WebService(this, 'web', {
      name: 'wiki',
      image: config.image,
      port: 3000,
      env: {
        DATABASE_URL: `postgresql://wiki:$(DB_PASSWORD)@${this.database.clientHost}:${this.database.port}/wiki`,
        DB_PASSWORD: EnvValue.fromSecret('wiki-db', 'password'),
      },
      ingress: { hosts: [config.hostname] },
    });
    if (config.declareConnection) this.web.connectsTo(this.database);
  }
}

/** The platform of charts/platform.ts with the sample app added where app charts go. */
export function addSampleApp(overrides: Overrides<SampleAppConfig> = {}): (platform: Platform) => void {
  return platform => { new SampleAppChart(platform, 'wiki', overrides); };
}
