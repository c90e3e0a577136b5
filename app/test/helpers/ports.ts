// One port helper for the platform's tools and both packages' tests.
export { freePort } from '../../../lib/cluster/ports.js';
