import * as fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { classifyRules, compileRule } from '../lib/validate/cel/environment';
import { rewriteHasOnIndex } from '../lib/validate/cel/has-rewrite';
import { formatText } from '../lib/validate/format';
import { loadManifests } from '../lib/validate/load';
import { SchemaProvider } from '../lib/validate/schema/provider';
import { defaultSchemaStore, validateSubjects } from '../lib/validate/validate';
import { labels, meta, validateIn } from './support/good-app';
import { tempDir } from './support/platform';

const GATEWAY_API = 'gateway.networking.k8s.io/v1';
const gateway = (listeners: object[]) => ({
  apiVersion: GATEWAY_API, kind: 'Gateway', metadata: meta('external'),
  spec: { gatewayClassName: 'traefik', listeners },
});
const listener = (name: string, port = 80) => ({ name, port, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } });
const route = (rule: object) => ({
  apiVersion: GATEWAY_API, kind: 'HTTPRoute', metadata: meta('web'),
  spec: { parentRefs: [{ name: 'external', namespace: 'demo' }], hostnames: ['web.example.com'], rules: [rule] },
});
const backend = { name: 'web', port: 80 };

const dir = tempDir('crd-validation-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The crd-validation findings of the objects, as `npm run validate` reports them. */
function celFindings(name: string, ...objects: object[]) {
  const report = validateIn(dir, name, objects);
  return { report, found: report.errors.filter(f => f.rule === 'crd-validation').map(f => `${f.object}: ${f.message}`) };
}

describe("CRDs' CEL rules, offline", () => {
  it('accept valid Gateway API objects, with schema defaults applied first', () => {
    const { report, found } = celFindings('valid', gateway([listener('http')]), route({ matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [backend] }));
    expect(found).toEqual([]);
    expect(report.errors.filter(f => f.rule === 'schema' || f.rule === 'unknown-kind')).toEqual([]);
  });

  it('refuse an HTTPRoute path match that is not absolute, naming the field and the rule', () => {
    const { found } = celFindings('relative-path', route({ matches: [{ path: { type: 'PathPrefix', value: 'static' } }], backendRefs: [backend] }));
    expect(found).toEqual([
      "HTTPRoute demo/web: spec.rules[0].matches[0].path: value must be an absolute path and start with '/' when type one of ['Exact', 'PathPrefix'] (x-kubernetes-validations rule: (self.type in ['Exact','PathPrefix']) ? self.value.startsWith('/') : true)",
    ]);
  });

  it('refuse a Service backendRef without a port (group and kind come from the schema defaults)', () => {
    const { found } = celFindings('no-port', route({ backendRefs: [{ name: 'web' }] }));
    expect(found).toEqual([
      "HTTPRoute demo/web: spec.rules[0].backendRefs[0]: Must have port for Service reference (x-kubernetes-validations rule: (size(self.group) == 0 && self.kind == 'Service') ? has(self.port) : true)",
    ]);
  });

  it('refuse a Gateway whose listeners share a name: by its CEL rule, and as a duplicate key of a map list', () => {
    const { found } = celFindings('listeners', gateway([listener('http'), listener('http', 8080)]));
    expect(found).toEqual([
      'Gateway demo/external: spec.listeners: Listener name must be unique within the Gateway (x-kubernetes-validations rule: self.all(l1, self.exists_one(l2, l1.name == l2.name)))',
      'Gateway demo/external: spec.listeners[1]: Duplicate value: {"name":"http"} (x-kubernetes-list-type map keyed by name)',
    ]);
  });

  it('refuse a cert-manager ClusterIssuer that configures two Venafi backends', () => {
    const issuer = {
      apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: 'venafi', labels: labels('venafi') },
      spec: { venafi: { zone: 'z', tpp: { url: 'https://tpp.example.com', credentialsRef: { name: 'tpp' } }, cloud: { apiTokenSecretRef: { name: 'cloud', key: 'token' } } } },
    };
    expect(celFindings('venafi', issuer).found).toEqual([
      expect.stringMatching(/^ClusterIssuer venafi: spec\.venafi: exactly one of tpp, cloud, or ngts must be configured \(x-kubernetes-validations rule: /),
    ]);
  });

  it('evaluate has() on a field of a list element, which cel-js takes only rewritten', () => {
    expect(rewriteHasOnIndex("size(self.matches) != 1 || !has(self.matches[0].path) || has(self.a)")).toBe("size(self.matches) != 1 || !self.matches[0].?path.hasValue() || has(self.a)");
    const rewrite = { type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } } };
    const { report, found } = celFindings('replace-prefix', route({ matches: [{ path: { type: 'Exact', value: '/old' } }], filters: [rewrite], backendRefs: [backend] }));
    expect(found).toEqual([
      expect.stringMatching(/^HTTPRoute demo\/web: spec\.rules\[0\]: When using URLRewrite filter with path\.replacePrefixMatch, exactly one PathPrefix match must be specified/),
    ]);
    expect(report.notes).toEqual([expect.stringMatching(/^CEL rules: \d+ evaluated over 1 custom resource kinds, 0 transition rules apply on update only, 0 not checked$/)]);
  });

  it('say in the summary which rules cel-js cannot check, once each, instead of skipping them silently', () => {
    const store = defaultSchemaStore();
    // A CRD whose rule calls a function cel-js lacks (Kubernetes' isURL), on two objects.
    const withUnsupported: SchemaProvider = {
      ...store, schemaFor: store.schemaFor.bind(store), objectMeta: store.objectMeta.bind(store),
      celSchemaFor: () => ({ key: 'test-unsupported', schema: classifyRules({ properties: { spec: { type: 'object', 'x-kubernetes-validations': [{ rule: 'isURL(self.url)', message: 'url must be a URL' }] } } }) }),
    };
    const issuer = (name: string) => ({ apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name, labels: labels(name) }, spec: { selfSigned: {} } });
    fs.writeFileSync(path.join(dir, 'unsupported.yaml'), [issuer('a'), issuer('b')].map(o => stringify(o)).join('---\n'));
    const report = validateSubjects(loadManifests([path.join(dir, 'unsupported.yaml')], dir).subjects, withUnsupported);
    expect(report.errors).toEqual([]);
    expect(report.notes).toEqual([
      'CEL rules: 0 evaluated over 1 custom resource kinds, 0 transition rules apply on update only, 1 not checked',
      'CEL rule not checked: ClusterIssuer spec: "isURL(self.url)" (found no matching overload for \'isURL(dyn)\')',
    ]);
    expect(formatText(report)).toContain('CEL rule not checked: ClusterIssuer spec');
  });

  it('leave transition rules (oldSelf) to updates: they never apply on create', () => {
    expect(compileRule('self == oldSelf')).toEqual({ kind: 'transition' });
    expect(compileRule('isURL(self)')).toMatchObject({ kind: 'unsupported', reason: "found no matching overload for 'isURL(dyn)'" });
  });
});
