import { Edge } from '../lib/networking/edge';
import { EDGE_APP } from '../lib/networking/entry-points';
import { AppChart } from '../lib/platform/app-chart';
import { Platform } from '../lib/platform/platform';

/**
 * The entry points the apps share: the Let's Encrypt ClusterIssuer and, when the platform renders
 * routes with Gateway API, the external and internal Gateways; derived from every declared route,
 * so it may be created anywhere among the app charts.
 */
export class EdgeChart extends AppChart {
  public readonly edge: Edge;

  constructor(platform: Platform, id = EDGE_APP) {
    super(platform, id, { category: 'networking' });
    this.edge = new Edge(this, 'edge');
  }
}
