import { ValidationContext } from '../../context';
import { Subject } from '../../finding';
import { checkAutoscalers } from './autoscaling';
import { checkAddresses } from './cidr';
import { checkClaims } from './claims';
import { checkAutoscalerMetrics } from './hpa-metrics';
import { checkIngresses } from './ingress';
import { checkJobs } from './jobs';
import { checkPodSpecs } from './pod-spec';
import { checkNetworkPolicyPorts, checkServicePorts } from './ports';
import { checkRollouts } from './rollout';
import { checkMetadataAndConfig } from './metadata';
import { checkQuantities } from './quantities';
import { checkLabelSelectors } from './selectors';
import { checkWorkloads } from './workloads';

/**
 * The API server's built-in validation that JSON schema cannot express (cross-field bounds,
 * uniqueness, grammars): whatever a real control plane refuses, the offline validator refuses too.
 */
export function checkApiServerParity(ctx: ValidationContext, builtIn: (subject: Subject) => boolean): void {
  checkAutoscalers(ctx);
  checkAutoscalerMetrics(ctx);
  checkClaims(ctx);
  checkRollouts(ctx);
  checkServicePorts(ctx);
  checkNetworkPolicyPorts(ctx);
  checkAddresses(ctx);
  checkPodSpecs(ctx);
  checkJobs(ctx);
  checkLabelSelectors(ctx, builtIn);
  checkIngresses(ctx);
  checkWorkloads(ctx);
  checkQuantities(ctx);
  checkMetadataAndConfig(ctx);
}
