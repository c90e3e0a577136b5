import type { IPodSecurityContext as PodSecurityContext } from 'kubernetes-models/v1/PodSecurityContext';
import type { ISELinuxOptions as SELinuxOptions } from 'kubernetes-models/v1/SELinuxOptions';
import type { PodSpec } from '../../model/kube';
import { ValidationContext, containersOf } from '../context';

// Volume types Pod Security "restricted" allows.
const ALLOWED_VOLUMES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);
const SECCOMP_OK = new Set(['RuntimeDefault', 'Localhost']);
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes',
]);
const APPARMOR_OK = (profile: string | undefined) => profile === undefined || profile === 'runtime/default' || profile.startsWith('localhost/');

/**
 * The checks of pod-security-admission at level "restricted" (v1.30), for every pod template.
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/
 */
export function checkPodSecurity(ctx: ValidationContext): void {
  for (const subject of ctx.index.objects) {
    const template = ctx.index.podOf(subject)?.template;
    if (!template) continue;
    const pod: PodSpec = template.spec ?? { containers: [] };
    const podContext: PodSecurityContext = pod.securityContext ?? {};
    const report = (rule: Parameters<ValidationContext['report']>[1], message: string) => ctx.report(subject, rule, message);

    for (const field of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
      if (pod[field]) report('pod-security.host-namespaces', `${field} is true`);
    }
    for (const volume of pod.volumes ?? []) {
      const type = Object.keys(volume).find(k => k !== 'name');
      if (type === 'hostPath') report('pod-security.host-path', `volume ${volume.name} is a hostPath (${volume.hostPath?.path})`);
      else if (type && !ALLOWED_VOLUMES.has(type)) report('pod-security.volume-types', `volume ${volume.name} has type ${type}, which "restricted" does not allow`);
    }
    if (podContext.runAsUser === 0) report('pod-security.run-as-non-root', 'pod securityContext.runAsUser is 0');
    for (const sysctl of podContext.sysctls ?? []) {
      if (!SAFE_SYSCTLS.has(sysctl.name)) report('pod-security.sysctls', `sysctl ${sysctl.name} is not in the safe set`);
    }
    const selinux = (sc: { seLinuxOptions?: SELinuxOptions } | undefined, who: string) => {
      const o = sc?.seLinuxOptions;
      if (o && (!SELINUX_TYPES.has(o.type ?? '') || o.user || o.role)) report('pod-security.selinux', `${who} sets SELinux options beyond an allowed type`);
    };
    selinux(podContext, 'the pod');
    for (const [key, profile] of Object.entries(template.metadata?.annotations ?? {})) {
      if (key.startsWith('container.apparmor.security.beta.kubernetes.io/') && !APPARMOR_OK(profile)) report('pod-security.apparmor', `${key} is ${profile}`);
    }
    if (podContext.appArmorProfile && podContext.appArmorProfile.type === 'Unconfined') report('pod-security.apparmor', 'the pod AppArmor profile is Unconfined');
    const podSeccomp = podContext.seccompProfile?.type;
    if (podSeccomp !== undefined && !SECCOMP_OK.has(podSeccomp)) report('pod-security.seccomp', `pod seccompProfile is ${podSeccomp}`);

    for (const c of containersOf(pod)) {
      const sc = c.securityContext ?? {};
      if (sc.privileged) report('pod-security.privileged', `container ${c.name} is privileged`);
      if (sc.procMount && sc.procMount !== 'Default') report('pod-security.proc-mount', `container ${c.name} uses procMount ${sc.procMount}`);
      if (sc.appArmorProfile?.type === 'Unconfined') report('pod-security.apparmor', `container ${c.name} AppArmor profile is Unconfined`);
      selinux(sc, `container ${c.name}`);
      for (const port of c.ports ?? []) {
        if (port.hostPort) report('pod-security.host-ports', `container ${c.name} uses hostPort ${port.hostPort}`);
      }
      if (sc.allowPrivilegeEscalation !== false) report('pod-security.privilege-escalation', `container ${c.name} does not set allowPrivilegeEscalation: false`);
      const nonRoot = sc.runAsNonRoot ?? podContext.runAsNonRoot;
      if (nonRoot !== true) report('pod-security.run-as-non-root', `container ${c.name} does not run with runAsNonRoot: true`);
      if (sc.runAsUser === 0) report('pod-security.run-as-non-root', `container ${c.name} runs as UID 0`);
      const seccomp = sc.seccompProfile?.type ?? podSeccomp;
      if (!SECCOMP_OK.has(seccomp ?? '')) report('pod-security.seccomp', `container ${c.name} has seccomp profile ${seccomp ?? 'unset'}; use RuntimeDefault`);
      const drop: string[] = sc.capabilities?.drop ?? [];
      if (!drop.includes('ALL')) report('pod-security.capabilities', `container ${c.name} does not drop ALL capabilities`);
      const added = (sc.capabilities?.add ?? []).filter((cap: string) => cap !== 'NET_BIND_SERVICE');
      if (added.length) report('pod-security.capabilities', `container ${c.name} adds ${added.join(', ')}; only NET_BIND_SERVICE is allowed`);
    }
  }
}
