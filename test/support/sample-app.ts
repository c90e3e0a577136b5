import { Overrides, withDefaults } from '../../lib/config';
import { Postgres } from '../../lib/data/postgres';
import { EnvValue } from '../../lib/k8s/env';
import { AppChart } from '../../lib/platform/app-chart';
import { Platform } from '../../lib/platform/platform';
import { externalSecret } from '../../lib/secrets/external-secret';
import { WebService } from '../../lib/web/web-service';

/**
 * An app as a newcomer adds one, like docs/adding-an-app.md's: a web service, a single-instance
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
  image: 'registry.example.com/sample:1.4.2',
  hostname: 'sample.example.org',
  declareConnection: true,
  declareCredential: true,
};

export class SampleAppChart extends AppChart {
  public readonly web: WebService;
  public readonly database: Postgres;

  constructor(platform: Platform, id = 'sample', overrides: Overrides<SampleAppConfig> = {}) {
    super(platform, id, { category: 'apps' });
    const config = withDefaults(SAMPLE_APP_DEFAULTS, overrides);
    if (config.declareCredential) externalSecret(this, { name: 'sample-db', keys: ['password'], usedBy: "the sample's PostgreSQL user" });
    this.database = new Postgres(this, 'database', {
      name: 'postgres',
      database: 'sample',
      user: 'sample',
      passwordSecret: { name: 'sample-db', key: 'password' },
      storageSize: '5Gi',
    });
    this.web = new WebService(this, 'web', {
      name: 'sample',
      image: config.image,
      port: 3000,
      env: {
        DATABASE_URL: `postgresql://sample:$(DB_PASSWORD)@${this.database.clientHost}:${this.database.port}/sample`,
        DB_PASSWORD: EnvValue.fromSecret('sample-db', 'password'),
      },
      ingress: { hosts: [config.hostname] },
    });
    if (config.declareConnection) this.web.connectsTo(this.database);
  }
}

/** The platform of charts/platform.ts with the sample app added where app charts go. */
export function addSampleApp(overrides: Overrides<SampleAppConfig> = {}): (platform: Platform) => void {
  return platform => { new SampleAppChart(platform, 'sample', overrides); };
}
