import { ValidationContext, containersOf, podTemplateOf, selects } from '../context';
import { EXTERNAL_SECRETS_ANNOTATION } from '../declarations';
import { Subject } from '../finding';


// Secrets CloudNativePG creates for a Cluster named <c>.
const CNPG_SECRET_SUFFIXES = ['-app', '-superuser', '-ca', '-replication', '-server'];

function containerPorts(spec: any): { names: Set<string>; numbers: Set<number> } {
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

/** Secrets the platform itself brings into being in a namespace. */
function providedSecrets(ctx: ValidationContext, namespace: string | undefined): Set<string> {
  const names = new Set<string>();
  for (const s of ctx.inNamespace(namespace)) {
    const m = s.manifest as any;
    if (m.kind === 'Secret') names.add(m.metadata.name);
    if (m.kind === 'ExternalSecret') names.add(m.spec?.target?.name ?? m.metadata.name);
    if (m.kind === 'Cluster' && m.apiVersion?.startsWith('postgresql.cnpg.io/')) {
      for (const suffix of CNPG_SECRET_SUFFIXES) names.add(`${m.metadata.name}${suffix}`);
    }
  }
  return names;
}

function checkPodReferences(ctx: ValidationContext, subject: Subject): void {
  const template = podTemplateOf(subject);
  if (!template) return;
  const ns = subject.manifest.metadata?.namespace;
  const spec = template.spec ?? {};
  const declared = new Set((template.metadata?.annotations?.[EXTERNAL_SECRETS_ANNOTATION] ?? '').split(',').map(s => s.trim()).filter(Boolean));
  const provided = providedSecrets(ctx, ns);
  const claimTemplates = new Set(((subject.manifest as any).spec?.volumeClaimTemplates ?? []).map((t: any) => t.metadata?.name));

  const need = (kind: string, name: string | undefined, where: string, optional = false) => {
    if (!name || optional) return;
    if (kind === 'Secret' && (provided.has(name) || declared.has(name))) return;
    if (kind === 'PersistentVolumeClaim' && claimTemplates.has(name)) return;
    if (kind === 'ServiceAccount' && name === 'default') return;
    if (ctx.find(kind, ns, name)) return;
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

/** Selectors, Services, backends, targets and references between objects. */
export function checkReferences(ctx: ValidationContext): void {
  for (const subject of ctx.subjects) {
    const m = subject.manifest as any;
    const ns = m.metadata?.namespace;
    const template = podTemplateOf(subject);

    if (template && m.kind !== 'Pod' && m.kind !== 'CronJob' && m.kind !== 'Job') {
      const selector = m.spec?.selector?.matchLabels;
      if (!selects(selector, template.metadata?.labels)) {
        ctx.report(subject, 'selector-match', 'spec.selector.matchLabels does not match the pod template labels');
      }
    }
    checkPodReferences(ctx, subject);

    if (m.kind === 'Service' && m.spec?.type !== 'ExternalName' && m.spec?.selector) {
      const pods = ctx.podTemplatesIn(ns).filter(p => selects(m.spec.selector, p.template.metadata?.labels));
      if (pods.length === 0) ctx.report(subject, 'service-selects', `selector ${JSON.stringify(m.spec.selector)} matches no pods in ${ns}`);
      else {
        for (const port of m.spec.ports ?? []) {
          const target = port.targetPort ?? port.port;
          const exposed = pods.some(p => {
            const ports = containerPorts(p.template.spec);
            return typeof target === 'string' ? ports.names.has(target) : ports.numbers.has(target);
          });
          if (!exposed) ctx.report(subject, 'service-selects', `targetPort ${target} is not a port of the selected pods`);
        }
      }
    }

    if (m.kind === 'StatefulSet') {
      const service = ctx.find('Service', ns, m.spec?.serviceName ?? '');
      if (!service) ctx.report(subject, 'statefulset-service', `serviceName ${m.spec?.serviceName} is not a Service in ${ns}`);
      else if ((service.manifest as any).spec?.clusterIP !== 'None') ctx.report(subject, 'statefulset-service', `Service ${m.spec.serviceName} is not headless (clusterIP: None)`);
    }

    if (m.kind === 'Ingress') {
      const backends = [m.spec?.defaultBackend, ...(m.spec?.rules ?? []).flatMap((r: any) => (r.http?.paths ?? []).map((p: any) => p.backend))].filter(Boolean);
      for (const backend of backends) {
        if (!backend.service) continue;
        checkServicePort(ctx, subject, ns, backend.service.name, backend.service.port?.name ?? backend.service.port?.number);
      }
    }
    if (m.kind === 'HTTPRoute') {
      for (const rule of m.spec?.rules ?? []) {
        for (const ref of rule.backendRefs ?? []) {
          if ((ref.kind ?? 'Service') !== 'Service' || (ref.group ?? '') !== '') continue;
          checkServicePort(ctx, subject, ref.namespace ?? ns, ref.name, ref.port);
        }
      }
    }

    if (m.kind === 'PodDisruptionBudget' && !ctx.podTemplatesIn(ns).some(p => selects(m.spec?.selector?.matchLabels, p.template.metadata?.labels))) {
      ctx.report(subject, 'target-exists', `selector ${JSON.stringify(m.spec?.selector?.matchLabels)} matches no pods in ${ns}`);
    }
    if (m.kind === 'HorizontalPodAutoscaler' && !ctx.find(m.spec?.scaleTargetRef?.kind, ns, m.spec?.scaleTargetRef?.name)) {
      ctx.report(subject, 'target-exists', `scaleTargetRef ${m.spec?.scaleTargetRef?.kind}/${m.spec?.scaleTargetRef?.name} is not in ${ns}`);
    }
    if (m.kind === 'NetworkPolicy') {
      const selector = m.spec?.podSelector?.matchLabels;
      const selectsAll = !selector || Object.keys(selector).length === 0;
      // CloudNativePG's pods are not templated here: they carry the labels the operator sets.
      const operated = [...ctx.ofKind('Cluster'), ...ctx.ofKind('Pooler')].map(o => o.manifest as any)
        .filter(o => o.metadata?.namespace === ns && o.apiVersion?.startsWith('postgresql.cnpg.io/'))
        .map((o): Record<string, string> | undefined => (o.kind === 'Cluster' ? { 'cnpg.io/cluster': o.metadata.name, 'cnpg.io/podRole': 'instance' }
          : o.kind === 'Pooler' ? { 'cnpg.io/poolerName': o.metadata.name, 'cnpg.io/cluster': o.spec?.cluster?.name, 'cnpg.io/podRole': 'pooler' } : undefined))
        .filter((l): l is Record<string, string> => l !== undefined);
      const pods = [...ctx.podTemplatesIn(ns).map(p => p.template.metadata?.labels), ...operated];
      if (selectsAll ? pods.length === 0 : !pods.some(labels => selects(selector, labels))) {
        ctx.report(subject, 'networkpolicy-selects', `podSelector matches no pods in ${ns}`);
      }
    }
  }
}

function checkServicePort(ctx: ValidationContext, subject: Subject, ns: string | undefined, name: string, port: string | number | undefined): void {
  const service = ctx.find('Service', ns, name);
  if (!service) {
    ctx.report(subject, 'backend-exists', `backend Service ${ns}/${name} is not in the output`);
    return;
  }
  const ports = (service.manifest as any).spec?.ports ?? [];
  if (port !== undefined && !ports.some((p: any) => p.name === port || p.port === port)) {
    ctx.report(subject, 'backend-exists', `backend Service ${ns}/${name} has no port ${port}`);
  }
}
