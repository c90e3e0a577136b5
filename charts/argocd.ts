import { Overrides, withDefaults } from '../lib/config';
import { ArgoCdInstall } from '../lib/gitops/argocd-install';
import { IMAGES } from '../lib/images';
import { Platform } from '../lib/platform/platform';
import { SystemChart } from '../lib/platform/system-chart';

/**
 * Argo CD, which syncs everything else, as an app of the platform (seed 003): rendered from its own
 * install manifests into dist/system/argocd, installed once by `npm run bootstrap`, and from then
 * on managed by itself through the root Application.
 */
export interface ArgoCdConfig {
  /** The UI's hostname on the LAN (an internal route). */
  readonly hostname: string;
  readonly image: string;
  readonly redisImage: string;
  /** The RBAC role of a logged-in user without another. */
  readonly defaultRole: string;
}

export const ARGOCD_DEFAULTS: ArgoCdConfig = {
  hostname: 'argocd.home.example.org',
  image: IMAGES.argocd,
  redisImage: IMAGES.argocdRedis,
  defaultRole: 'role:readonly',
};

export class ArgoCdChart extends SystemChart {
  public readonly install: ArgoCdInstall;

  constructor(platform: Platform, id = 'argocd', overrides: Overrides<ArgoCdConfig> = {}) {
    super(platform, id, { namespace: platform.argocdNamespace });
    const config = withDefaults(ARGOCD_DEFAULTS, overrides);
    this.install = new ArgoCdInstall(this, 'install', config);
  }
}
