import { asKind, backendsOf, PodSpec } from '../../model';
import type { Manifest } from '../../model/manifest';
import { ValidationContext, containersOf, selects } from '../context';
import { EXTERNAL_SECRETS_ANNOTATION } from '../../k8s/declarations';
import { Subject } from '../finding';

function containerPorts(spec: PodSpec | undefined): { names: Set<string>; numbers: Set<number> } {
  const names = new Set<string>();
  const numbers = new Set<number>();
  for (const c of containersOf(spec)) {
    for (const p of c.ports ?? []) {
      if (p.name) names.add(p.name);
      numbers.add(p.containerPort);
    }
  }
  return { names, numbers };
}

function checkPodReferences(ctx: ValidationContext, subject: Subject): void {
  const template = ctx.index.podOf(subject)?.template;
  if (!template) return;
  const ns = subject.manifest.metadata?.namespace;
  const spec: PodSpec = template.spec ?? { containers: [] };
  const declared = new Set((template.metadata?.annotations?.[EXTERNAL_SECRETS_ANNOTATION] ?? '').split(',').map(s => s.trim()).filter(Boolean));
  const provided = ctx.index.secretsIn(ns);
  const claimTemplates = new Set((asKind(subject.manifest, 'StatefulSet')?.spec?.volumeClaimTemplates ?? []).map(t => t.metadata?.name));

  const need = (kind: string, name: string | undefined, where: string, optional = false) => {
    if (!name || optional) return;
    if (kind === 'Secret' && (provided.has(name) || declared.has(name))) return;
    if (kind === 'PersistentVolumeClaim' && claimTemplates.has(name)) return;
    if (kind === 'ServiceAccount' && name === 'default') return;
    if (ctx.index.find(kind, ns, name)) return;
    const hint = kind === 'Secret' ? ` (create it from an ExternalSecret, or list it in the pod annotation ${EXTERNAL_SECRETS_ANNOTATION})` : '';
    ctx.report(subject, 'reference-exists', `${where} refers to ${kind} ${ns}/${name}, which is not in the output${hint}`);
  };

  need('ServiceAccount', spec.serviceAccountName, 'serviceAccountName');
  for (const v of spec.volumes ?? []) {
    need('ConfigMap', v.configMap?.name, `volume ${v.name}`, v.configMap?.optional);
    need('Secret', v.secret?.secretName, `volume ${v.name}`, v.secret?.optional);
    need('PersistentVolumeClaim', v.persistentVolumeClaim?.claimName, `volume ${v.name}`);
    for (const source of v.projected?.sources ?? []) {
      need('ConfigMap', source.configMap?.name, `volume ${v.name}`, source.configMap?.optional);
      need('Secret', source.secret?.name, `volume ${v.name}`, source.secret?.optional);
    }
  }
  for (const c of containersOf(spec)) {
    for (const e of c.env ?? []) {
      need('ConfigMap', e.valueFrom?.configMapKeyRef?.name, `container ${c.name} env ${e.name}`, e.valueFrom?.configMapKeyRef?.optional);
      need('Secret', e.valueFrom?.secretKeyRef?.name, `container ${c.name} env ${e.name}`, e.valueFrom?.secretKeyRef?.optional);
    }
    for (const e of c.envFrom ?? []) {
      need('ConfigMap', e.configMapRef?.name, `container ${c.name} envFrom`, e.configMapRef?.optional);
      need('Secret', e.secretRef?.name, `container ${c.name} envFrom`, e.secretRef?.optional);
    }
    // Probes must hit ports the container declares, or a rename silently breaks them.
    const ports = containerPorts({ containers: [c] });
    for (const [probeName, probe] of [['readiness', c.readinessProbe], ['liveness', c.livenessProbe], ['startup', c.startupProbe]] as const) {
      const port = probe?.httpGet?.port ?? probe?.tcpSocket?.port ?? probe?.grpc?.port;
      if (port === undefined) continue;
      if (typeof port === 'string' ? !ports.names.has(port) : !ports.numbers.has(port)) {
        ctx.report(subject, 'probe-port', `container ${c.name} ${probeName} probe uses port ${port}, which the container does not expose`);
      }
    }
  }
}

/** The label selector of a workload that has one. */
function selectorOf(m: Manifest): Record<string, string> | undefined {
  return (m as Manifest & { spec?: { selector?: { matchLabels?: Record<string, string> } } }).spec?.selector?.matchLabels;
}

/** Selectors, Services, backends, targets and references between objects. */
export function checkReferences(ctx: ValidationContext): void {
  for (const subject of ctx.index.objects) {
    const m = subject.manifest;
    const ns = m.metadata?.namespace;
    const template = ctx.index.podOf(subject)?.template;

    if (template && m.kind !== 'Pod' && m.kind !== 'CronJob' && m.kind !== 'Job') {
      if (!selects(selectorOf(m), template.metadata?.labels)) {
        ctx.report(subject, 'selector-match', 'spec.selector.matchLabels does not match the pod template labels');
      }
    }
    checkPodReferences(ctx, subject);

    const service = asKind(m, 'Service');
    const selector = service?.spec?.selector;
    if (service && service.spec?.type !== 'ExternalName' && selector) {
      const pods = ctx.index.podsIn(ns).filter(p => selects(selector, p.template.metadata?.labels));
      if (pods.length === 0) ctx.report(subject, 'service-selects', `selector ${JSON.stringify(selector)} matches no pods in ${ns}`);
      else {
        for (const port of service.spec?.ports ?? []) {
          const target = port.targetPort ?? port.port;
          const exposed = pods.some(p => {
            const ports = containerPorts(p.template.spec);
            return typeof target === 'string' ? ports.names.has(target) : ports.numbers.has(target);
          });
          if (!exposed) ctx.report(subject, 'service-selects', `targetPort ${target} is not a port of the selected pods`);
        }
      }
    }

    const statefulSet = asKind(m, 'StatefulSet');
    if (statefulSet) {
      const serviceName = statefulSet.spec?.serviceName;
      const headless = ctx.index.find('Service', ns, serviceName ?? '');
      if (!headless) ctx.report(subject, 'statefulset-service', `serviceName ${serviceName} is not a Service in ${ns}`);
      else if (asKind(headless.manifest, 'Service')?.spec?.clusterIP !== 'None') ctx.report(subject, 'statefulset-service', `Service ${serviceName} is not headless (clusterIP: None)`);
    }

    for (const backend of backendsOf(m)) checkServicePort(ctx, subject, backend.namespace, backend.service, backend.port);

    const pdb = asKind(m, 'PodDisruptionBudget');
    if (pdb && !ctx.index.podsIn(ns).some(p => selects(pdb.spec?.selector?.matchLabels, p.template.metadata?.labels))) {
      ctx.report(subject, 'target-exists', `selector ${JSON.stringify(pdb.spec?.selector?.matchLabels)} matches no pods in ${ns}`);
    }
    const target = asKind(m, 'HorizontalPodAutoscaler')?.spec?.scaleTargetRef;
    if (m.kind === 'HorizontalPodAutoscaler' && !ctx.index.find(target?.kind ?? '', ns, target?.name ?? '')) {
      ctx.report(subject, 'target-exists', `scaleTargetRef ${target?.kind}/${target?.name} is not in ${ns}`);
    }
    const policy = asKind(m, 'NetworkPolicy');
    if (policy) {
      const podSelector = policy.spec?.podSelector?.matchLabels;
      const selectsAll = !podSelector || Object.keys(podSelector).length === 0;
      // CloudNativePG's pods are not templated here: the index adds the labels the operator sets.
      const pods = ctx.index.podLabelsIn(ns);
      if (selectsAll ? pods.length === 0 : !pods.some(labels => selects(podSelector, labels))) {
        ctx.report(subject, 'networkpolicy-selects', `podSelector matches no pods in ${ns}`);
      }
    }
  }
}

function checkServicePort(ctx: ValidationContext, subject: Subject, ns: string | undefined, name: string, port: string | number | undefined): void {
  const service = ctx.index.find('Service', ns, name);
  if (!service) {
    ctx.report(subject, 'backend-exists', `backend Service ${ns}/${name} is not in the output`);
    return;
  }
  const ports = asKind(service.manifest, 'Service')?.spec?.ports ?? [];
  if (port !== undefined && !ports.some(p => p.name === port || p.port === port)) {
    ctx.report(subject, 'backend-exists', `backend Service ${ns}/${name} has no port ${port}`);
  }
}
