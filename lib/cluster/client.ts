import * as fs from 'node:fs';
import * as https from 'node:https';
import type { Manifest } from '../model/manifest';

/** How to reach the test control plane (printed by the Go harness). */
export interface ClusterEndpoint {
  readonly server: string;
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
  readonly kubeconfig: string;
}

/** A list the API server returns. */
export interface KubeList<T> {
  readonly items: T[];
}

export interface KubeResponse {
  readonly status: number;
  // JSON of whatever the API server answered (an object, a Status, a list); tests read it down to any field.
  readonly body: any;
  /** The `Warning` headers the API server sent (admission warnings, deprecated fields...). */
  readonly warnings: string[];
}

/** Where a kind is served: its URL path and whether it lives in a namespace. */
export interface ResourceInfo {
  readonly base: string;
  readonly plural: string;
  readonly namespaced: boolean;
}

/** A minimal Kubernetes REST client: JSON in and out, client-certificate auth, warnings kept. */
export class KubeClient {
  private readonly agent: https.Agent;
  private resources = new Map<string, ResourceInfo>();

  constructor(readonly endpoint: ClusterEndpoint) {
    this.agent = new https.Agent({
      keepAlive: true,
      maxSockets: 16,
      ca: fs.readFileSync(endpoint.ca),
      cert: fs.readFileSync(endpoint.cert),
      key: fs.readFileSync(endpoint.key),
    });
  }

  request(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<KubeResponse> {
    const url = new URL(path, this.endpoint.server);
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = https.request(url, {
        method,
        agent: this.agent,
        headers: { accept: 'application/json', ...(payload ? { 'content-type': contentType } : {}) },
      }, res => {
        const chunks: Buffer[] = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try { parsed = text ? JSON.parse(text) : undefined; } catch { /* keep the text */ }
          // rawHeaders keeps each Warning apart (Node joins repeated headers with commas).
          const warnings: string[] = [];
          for (let i = 0; i < res.rawHeaders.length; i += 2) {
            if (res.rawHeaders[i].toLowerCase() === 'warning') warnings.push(parseWarning(res.rawHeaders[i + 1]));
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, warnings });
        });
      });
      req.on('error', reject);
      if (payload) req.write(payload);
      req.end();
    });
  }

  // The caller names the shape it reads (lib/model's views); tests leave it out and read any field.
  async get<T = any>(path: string): Promise<T> {
    const res = await this.request('GET', path);
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${message(res)}`);
    return res.body as T;
  }

  /** Reads every served kind (built-in and CRDs); call again after installing CRDs. */
  async discover(): Promise<void> {
    const groups: string[] = ['/api/v1'];
    const apis = await this.get<{ groups: { versions: { groupVersion: string }[] }[] }>('/apis');
    for (const group of apis.groups) for (const v of group.versions) groups.push(`/apis/${v.groupVersion}`);
    const found = new Map<string, ResourceInfo>();
    await Promise.all(groups.map(async base => {
      const list = await this.get<{ groupVersion: string; resources: { name: string; kind: string; namespaced: boolean }[] }>(base);
      for (const r of list.resources) {
        if (r.name.includes('/')) continue;
        found.set(`${list.groupVersion}/${r.kind}`, { base, plural: r.name, namespaced: r.namespaced });
      }
    }));
    this.resources = found;
  }

  resource(apiVersion: string, kind: string): ResourceInfo | undefined {
    return this.resources.get(`${apiVersion}/${kind}`);
  }

  /** The URL of one object, or of its collection when name is omitted. */
  pathFor(apiVersion: string, kind: string, namespace: string | undefined, name?: string): string {
    const r = this.resource(apiVersion, kind);
    if (!r) throw new Error(`the server does not serve ${apiVersion} ${kind}`);
    const ns = r.namespaced ? `/namespaces/${namespace ?? 'default'}` : '';
    return `${r.base}${ns}/${r.plural}${name ? `/${name}` : ''}`;
  }

  /** Server-side apply as Argo CD does it (field manager argocd-controller, force, Strict validation). */
  apply(object: Manifest, namespace?: string, options: { dryRun?: boolean } = {}): Promise<KubeResponse> {
    const { apiVersion, kind, metadata } = object;
    const query = 'fieldManager=argocd-controller&force=true&fieldValidation=Strict' + (options.dryRun ? '&dryRun=All' : '');
    const path = `${this.pathFor(apiVersion, kind, metadata.namespace ?? namespace, metadata.name)}?${query}`;
    return this.request('PATCH', path, object, 'application/apply-patch+yaml');
  }

  close(): void {
    this.agent.destroy();
  }
}

/** The server's own message of a failed response. */
export function message(res: KubeResponse): string {
  return typeof res.body === 'object' && res.body?.message ? res.body.message : String(res.body ?? '');
}

/** `299 - "text"` -> text */
function parseWarning(header: string): string {
  const m = /^\d{3} \S+ "(.*)"$/s.exec(header.trim());
  return m ? m[1].replace(/\\"/g, '"') : header;
}
