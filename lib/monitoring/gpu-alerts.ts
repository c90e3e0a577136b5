import { promDuration, RuleGroup, selector } from './alerts';
import { RULES_CONFIG, RulesConfig } from './rules-config';

/** The container of a GPU workload, as kube-state-metrics names it. */
export interface GpuContainer {
  readonly namespace: string;
  readonly container: string;
}

/**
 * A GPU container restarting, from kube-state-metrics; the construct that runs it declares them.
 * Prometheus keeps kube-state-metrics' own labels (honor_labels), so `namespace`, `pod` and
 * `container` are the GPU pod's.
 * @see https://github.com/kubernetes/kube-state-metrics/blob/main/docs/metrics/workload/pod-metrics.md
 */
export function gpuWorkloadAlerts(c: GpuContainer, config: RulesConfig = RULES_CONFIG): RuleGroup {
  const g = config.gpu;
  const sel = selector({ namespace: c.namespace, container: c.container });
  const by = 'by (namespace, pod, container)';
  const restarts = `sum ${by} (increase(kube_pod_container_status_restarts_total${sel}[${promDuration(g.restartWindow)}])) > 0`;
  const who = `${c.namespace}/{{ $labels.pod }}`;
  return {
    name: `${c.namespace}-${c.container}-gpu`,
    rules: [
      {
        alert: 'GpuWorkloadRestarting',
        expr: restarts,
        severity: 'warning',
        summary: `GPU container ${c.container} of ${who} restarted {{ $value | humanize }} times in ${promDuration(g.restartWindow)}.`,
        description: 'Its last exit reason is in kube_pod_container_status_last_terminated_reason; an OOMKilled means the model does not fit its memory limit (an iGPU draws on it), an Error the logs say more.',
      },
      {
        alert: 'GpuWorkloadSegfault',
        expr: `max ${by} (kube_pod_container_status_last_terminated_exitcode${sel}) == ${g.segfaultExitCode}\nand on (namespace, pod, container)\n${restarts}`,
        severity: 'critical',
        summary: `GPU container ${c.container} of ${who} crashed with exit code ${g.segfaultExitCode} (segfault).`,
        description: 'The GPU runtime crashed: on an AMD GPU that ROCm does not support, HSA_OVERRIDE_GFX_VERSION is missing or wrong for the model (PLATFORM_SETTINGS.capacity.gpus); if it is right, the GPU state may be corrupted (MES errors in the kernel log), which only a reboot of the node clears.',
      },
    ],
  };
}

/**
 * GPU memory near full, per card, from node-exporter's drm collector (amdgpu only). VRAM and GTT
 * together: an iGPU has a small VRAM carve-out and maps the rest from system RAM through GTT.
 * @see https://github.com/prometheus/node_exporter/blob/master/collector/drm_linux.go
 */
export function gpuMemoryAlerts(config: RulesConfig = RULES_CONFIG): RuleGroup {
  const g = config.gpu;
  const sum = (metric: string) => `sum by (node, card) (${metric})`;
  return {
    name: 'gpu-memory',
    rules: [{
      alert: 'GpuMemoryPressure',
      expr: `(${sum('node_drm_memory_vram_used_bytes')} + ${sum('node_drm_memory_gtt_used_bytes')})\n/ (${sum('node_drm_memory_vram_size_bytes')} + ${sum('node_drm_memory_gtt_size_bytes')})\n> ${g.memoryRatio}`,
      for: g.memoryFor,
      severity: 'warning',
      summary: 'GPU {{ $labels.card }} of node {{ $labels.node }} uses {{ $value | humanizePercentage }} of its memory.',
      description: `More than ${Math.round(g.memoryRatio * 100)} % of the GPU's VRAM and GTT have been in use for ${promDuration(g.memoryFor)}: the next model load fails or spills to the CPU. Unload models (OLLAMA_KEEP_ALIVE), use a smaller quantization, or give the GPU more memory.`,
    }],
  };
}
