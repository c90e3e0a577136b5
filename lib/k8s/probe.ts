import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-30';

/**
 * When and how often the kubelet probes. Unset fields keep the Kubernetes defaults
 * (no initial delay, every 10 s, 1 s timeout, 3 failures) and are left out of the YAML.
 * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
 */
export interface ProbeTimings {
  /**
   * Wait after the container starts before the first check.
   * @default - Kubernetes' 0 s
   */
  readonly initialDelay?: Duration;
  /**
   * Time between checks.
   * @default - Kubernetes' 10 s
   */
  readonly period?: Duration;
  /**
   * Time a check may take before it counts as failed.
   * @default - Kubernetes' 1 s
   */
  readonly timeout?: Duration;
  /**
   * Failures in a row before the probe fails (not ready, or restarted).
   * @default - Kubernetes' 3
   */
  readonly failureThreshold?: number;
  /**
   * Successes in a row before a failed probe passes again.
   * @default - Kubernetes' 1
   */
  readonly successThreshold?: number;
}

type Check = Pick<k8s.Probe, 'httpGet' | 'exec' | 'tcpSocket'>;

/** A readiness, liveness or startup probe; the port is filled in by the workload that owns it. */
export class Probe {
  /** HTTP GET of `path` on the workload's named port. */
  public static http(path: string, timings: ProbeTimings = {}): Probe {
    return new Probe(port => ({ httpGet: { path, port: k8s.IntOrString.fromString(port) } }), timings);
  }

  /** Runs `command` in the container; exit code 0 means healthy. */
  public static exec(command: string[], timings: ProbeTimings = {}): Probe {
    return new Probe(() => ({ exec: { command } }), timings);
  }

  /** Opens a TCP connection to the workload's named port. */
  public static tcp(timings: ProbeTimings = {}): Probe {
    return new Probe(port => ({ tcpSocket: { port: k8s.IntOrString.fromString(port) } }), timings);
  }

  private constructor(private readonly check: (port: string) => Check, public readonly timings: ProbeTimings) {}

  /** The same check with other timings, e.g. a liveness probe derived from a readiness probe. */
  public withTimings(timings: ProbeTimings): Probe {
    return new Probe(this.check, timings);
  }

  public toKube(port: string): k8s.Probe {
    const t = this.timings;
    return {
      ...this.check(port),
      initialDelaySeconds: t.initialDelay?.toSeconds(),
      periodSeconds: t.period?.toSeconds(),
      timeoutSeconds: t.timeout?.toSeconds(),
      failureThreshold: t.failureThreshold,
      successThreshold: t.successThreshold,
    };
  }
}
