/**
 * lib/synth/fast-to-json.ts replaces cdk8s's ApiObject.toJson with one pass of the same rules: it
 * must give the same JSON, keys in the same order, for every object and every value a resolver
 * replaces, and the same error for a value cdk8s cannot render.
 */
import { ApiObject, App, Chart, JsonPatch, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-30';
import { describe, expect, it } from 'vitest';
import { buildPlatform } from '../charts/platform';
import { render } from '../lib/synth/render';
import { originalToJson } from '../lib/synth/fast-to-json';

/** What `f` gives with cdk8s's own toJson in place (generated classes call it through super.toJson()). */
function withOriginal<T>(f: () => T): T {
  const fast = ApiObject.prototype.toJson;
  ApiObject.prototype.toJson = originalToJson;
  try {
    return f();
  } finally {
    ApiObject.prototype.toJson = fast;
  }
}
const both = (o: ApiObject) => [JSON.stringify(o.toJson()), JSON.stringify(withOriginal(() => o.toJson()))];

describe("the synth's ApiObject.toJson", () => {
  it('is the one synthesis uses', () => {
    expect(ApiObject.prototype.toJson).not.toBe(originalToJson);
  });

  it("gives cdk8s's JSON, keys in the same order, for every object of the platform", () => {
    const platform = buildPlatform();
    render(platform);
    const objects = platform.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
    const differing = objects.filter(o => { const [fast, original] = both(o); return fast !== original; }).map(o => o.node.path);
    expect(differing).toEqual([]);
    expect(objects.length).toBeGreaterThan(300);
  });

  it('resolves what each resolver replaces, drops empty values, and applies JSON patches', () => {
    const chart = new Chart(new App(), 'c');
    const token = { resolve: () => ({ b: 2, a: [1, null, Lazy.any({ produce: () => 'late' })] }) };
    const object = new ApiObject(chart, 'o', {
      apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'n', labels: { z: 'z', a: 'a' } },
      data: { lazy: Lazy.any({ produce: () => ({ nested: Lazy.any({ produce: () => 5 }) }) }), token, gone: undefined, nothing: null, zero: 0, empty: '', no: false, list: [null, undefined, [], {}] },
      spec: { port: k8s.IntOrString.fromNumber(8080), name: k8s.IntOrString.fromString('http'), memory: k8s.Quantity.fromString('1Gi'), fn: () => 1 },
    });
    object.addJsonPatch(JsonPatch.add('/data/patched', 'yes'), JsonPatch.remove('/data/zero'));
    const [fast, original] = both(object);
    expect(fast).toBe(original);
    expect(JSON.parse(fast).data).toMatchObject({ lazy: { nested: 5 }, token: { a: [1, null, 'late'], b: 2 }, patched: 'yes', empty: '', no: false });
    const deployment = new k8s.KubeDeployment(chart, 'd', { metadata: { name: 'd' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 80 }] }] } } } });
    expect(both(deployment)[0]).toBe(both(deployment)[1]);
  });

  it('fails as cdk8s does on a value it cannot render, naming the construct', () => {
    const object = new ApiObject(new Chart(new App(), 'c'), 'o', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'n' }, data: { when: new Date(0) } });
    const error = (f: () => unknown) => { try { f(); } catch (e) { return (e as Error).message; } return 'no error'; };
    expect(error(() => object.toJson())).toBe("Failed serializing construct at path 'c/o' with name 'n': Error: can't render non-simple object of type 'Date'");
    expect(error(() => object.toJson())).toBe(withOriginal(() => error(() => object.toJson())));
  });

  it('leaves an App with resolvers of its own to cdk8s', () => {
    const app = new App({ resolvers: [{ resolve: context => { if (context.value === 'x') context.replaceValue('replaced'); } }] });
    const object = new ApiObject(new Chart(app, 'c'), 'o', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'n' }, data: { a: 'x' } });
    expect((object.toJson() as any).data.a).toBe('replaced');
  });
});
