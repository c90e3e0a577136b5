import { GpuVendor } from '../platform/gpus';
import { InstalledOperator, OperatorRequirement } from './operator-requirement';
import { IMAGES } from '../images';

/** What a device plugin's DaemonSet must break, and why. */
function exemptDevicePlugin(operator: InstalledOperator, daemonSet: string, hostPaths: string): void {
  operator.exempt('DaemonSet', daemonSet, ['pod-security.host-path'], `registers with the kubelet through its socket folder and reads the GPUs from the host (${hostPaths})`);
  operator.exempt('DaemonSet', daemonSet, ['pod-security.run-as-non-root', 'pod-security.seccomp'], 'upstream runs it as root to reach the kubelet\'s socket folder; its capabilities are dropped and privilege escalation is off');
  operator.exempt('DaemonSet', daemonSet, ['readiness-probe'], 'serves no endpoint: the kubelet sees it register, and no Service sends it traffic');
}

/** Splits a pinned image reference into the chart's `repository` and `tag` values. */
function imageValues(image: string): { repository: string; tag: string } {
  const at = image.lastIndexOf(':');
  return { repository: image.slice(0, at), tag: image.slice(at + 1) };
}

/** The RuntimeClass NVIDIA GPU pods run with on K3s (K3s creates it: manifests/runtimes.yaml). */
export const NVIDIA_RUNTIME_CLASS = 'nvidia';

/**
 * AMD's ROCm device plugin 1.31.0.9 (chart `amd-gpu` 0.21.0): a DaemonSet that advertises each
 * node's AMD GPUs as `amd.com/gpu` and hands a pod that is given one its `/dev/kfd` and
 * `/dev/dri/renderD*`, so the pod itself needs neither privilege nor a hostPath. The plugin does
 * (the kubelet's device-plugin socket and /sys), in its own namespace. The node labeller (privileged)
 * and node-feature-discovery stay off: GPU nodes are labelled when they join (GPU_MODEL_LABEL).
 * @see https://github.com/ROCm/k8s-device-plugin/tree/master/helm/amd-gpu
 */
export const AMD_GPU_DEVICE_PLUGIN: OperatorRequirement = {
  name: 'amd-gpu-device-plugin',
  namespace: 'amd-gpu-device-plugin',
  repoURL: 'https://rocm.github.io/k8s-device-plugin/',
  chart: 'amd-gpu',
  version: '0.21.0',
  description: 'AMD ROCm GPU device plugin 1.31.0.9',
  values: {
    nfd: { enabled: false },
    labeller: { enabled: false },
    dp: {
      image: imageValues(IMAGES.amdGpuDevicePlugin),
      resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } },
    },
    // The chart's node selector (off by default) needs node-feature-discovery's labels: left off, the
    // plugin runs on every node and advertises nothing where it finds no AMD GPU.
  },
  privilegedBecause: 'the device plugin registers with the kubelet through a hostPath socket and reads the GPUs from the host\'s /sys',
  wire: operator => exemptDevicePlugin(operator, 'amd-gpu-device-plugin-daemonset', '/var/lib/kubelet/device-plugins, /sys, /var/lib/amd-metrics-exporter'),
};

/**
 * NVIDIA's device plugin 0.20.0, the other choice: advertises `nvidia.com/gpu`. On K3s it runs with
 * the `nvidia` RuntimeClass, which K3s creates itself when it finds the NVIDIA container runtime;
 * GPU pods use the same class.
 * @see https://github.com/NVIDIA/k8s-device-plugin/tree/main/deployments/helm/nvidia-device-plugin
 * @see https://docs.k3s.io/advanced#nvidia-container-runtime-support
 */
export const NVIDIA_DEVICE_PLUGIN: OperatorRequirement = {
  name: 'nvidia-device-plugin',
  namespace: 'nvidia-device-plugin',
  repoURL: 'https://nvidia.github.io/k8s-device-plugin',
  chart: 'nvidia-device-plugin',
  version: '0.20.0',
  description: 'NVIDIA GPU device plugin v0.20.0',
  values: {
    image: imageValues(IMAGES.nvidiaDevicePlugin),
    runtimeClassName: NVIDIA_RUNTIME_CLASS,
    // No node-feature-discovery: the chart's affinity then runs the plugin on the nodes labelled
    // `nvidia.com/gpu.present=true` when they join, next to GPU_MODEL_LABEL.
    gfd: { enabled: false },
    nfd: { enabled: false },
    resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } },
  },
  // GPU sharing through MPS is not set up: its control daemon, privileged and in the host's PID
  // namespace, is left out.
  patches: { omit: [{ kind: 'DaemonSet', name: 'nvidia-device-plugin-mps-control-daemon' }] },
  privilegedBecause: 'the device plugin registers with the kubelet through a hostPath socket',
  wire: operator => exemptDevicePlugin(operator, 'nvidia-device-plugin', '/var/lib/kubelet/device-plugins, /run/nvidia/mps, /var/run/cdi'),
};

/** The device plugin of each GPU vendor. */
export const GPU_DEVICE_PLUGINS: Readonly<Record<GpuVendor, OperatorRequirement>> = {
  amd: AMD_GPU_DEVICE_PLUGIN,
  nvidia: NVIDIA_DEVICE_PLUGIN,
};
