import { Overrides, withDefaults } from '../lib/config';
import { IMAGES } from '../lib/images';
import { Routes } from '../lib/networking/routes';
import { AppChart } from '../lib/platform/app-chart';
import { Platform } from '../lib/platform/platform';
import { Manifests } from '../lib/upstream/manifests';

/**
 * traefik/whoami from a folder of plain YAML (charts/manifests/whoami/): the way in for vendored
 * upstream manifests and objects no construct covers. An internal route answers on the LAN.
 */
export interface WhoamiConfig {
  readonly hostname: string;
  readonly image: string;
}

export const WHOAMI_DEFAULTS: WhoamiConfig = {
  hostname: 'whoami.home.example.org',
  image: IMAGES.whoami,
};

export class WhoamiChart extends AppChart {
  public readonly manifests: Manifests;

  constructor(platform: Platform, id = 'whoami', overrides: Overrides<WhoamiConfig> = {}) {
    super(platform, id, { category: 'apps' });
    const config = withDefaults(WHOAMI_DEFAULTS, overrides);
    this.manifests = new Manifests(this, 'manifests', { path: 'charts/manifests/whoami', images: [config.image] });
    const server = this.manifests.workload('whoami');
    new Routes(this, 'routes', { hostnames: [config.hostname], exposure: 'internal', backend: { service: 'whoami', port: 8080, target: server } });
  }
}
