import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BlogChart } from '../charts/blog';
import { BunBlogChart } from '../charts/bun-blog';
import { buildPlatform } from '../charts/platform';
import { Routes } from '../lib/networking/routes';
import type { Manifest } from '../lib/model/manifest';
import { render } from '../lib/synth/render';
import { emptyPlatform, manifestsOf } from './support/platform';
import { PLATFORMS } from './support/platforms';

const rendering = render(buildPlatform());
const blog = manifestsOf(rendering, 'blog');
const bunBlog = manifestsOf(rendering, 'bun-blog');
const tunnel = manifestsOf(rendering, 'cloudflared');
const spec = (m: Manifest | undefined): any => m!.spec;
const container = (m: Manifest | undefined): any => spec(m).template.spec.containers[0];

describe('blog (seed 000)', () => {
  it('runs Django/Gunicorn with 2 replicas on port 3334', () => {
    expect(spec(blog.get('Deployment/web')).replicas).toBe(2);
    expect(container(blog.get('Deployment/web')).ports).toEqual([{ name: 'http', containerPort: 3334 }]);
  });

  it('keeps static files and media on 2Gi claims that Argo CD never prunes or deletes', () => {
    for (const name of ['staticfiles', 'media']) {
      const claim = blog.get(`PersistentVolumeClaim/${name}`)!;
      expect(spec(claim)).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } } });
      expect(claim.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' });
    }
  });

  it('serves /static/ and /media/ from those claims through NGINX, read-only, and proxies the rest to the web Service', () => {
    const nginx = blog.get('Deployment/nginx');
    expect(spec(nginx).replicas).toBe(1);
    const volumes = Object.fromEntries(spec(nginx).template.spec.volumes.map((v: any) => [v.name, v]));
    const mounts = container(nginx).volumeMounts;
    expect(mounts).toContainEqual({ name: 'files-0', mountPath: '/srv/files-0', readOnly: true });
    expect(mounts).toContainEqual({ name: 'files-1', mountPath: '/srv/files-1', readOnly: true });
    expect(volumes['files-0'].persistentVolumeClaim).toEqual({ claimName: 'staticfiles' });
    expect(volumes['files-1'].persistentVolumeClaim).toEqual({ claimName: 'media' });
    const conf = (blog.get('ConfigMap/nginx-config') as any).data['nginx.conf'] as string;
    expect(conf).toContain('location /static/ {\n      alias /srv/files-0/;');
    expect(conf).toContain('location /media/ {\n      alias /srv/files-1/;');
    expect(conf).toContain('server web:3334;');
    expect(conf).toContain('proxy_pass http://app;');
  });

  it('rolls NGINX when its config changes', () => {
    const annotation = (b: BlogChart) => {
      const m = manifestsOf(render(b.node.root as any), 'blog').get('Deployment/nginx');
      return spec(m).template.metadata.annotations['checksum/config'];
    };
    const a = annotation(new BlogChart(emptyPlatform()));
    const b = annotation(new BlogChart(emptyPlatform(), 'blog', { web: { port: 8000 } }));
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(b).not.toBe(a);
  });

  it('runs PostgreSQL 16 with a 10Gi volume and pg_isready probes, its password from a referenced Secret', () => {
    const pg = blog.get('StatefulSet/postgres');
    expect(container(pg).image).toMatch(/postgres:16\.\d+/);
    expect(spec(pg).volumeClaimTemplates[0].spec.resources.requests.storage).toBe('10Gi');
    expect(container(pg).readinessProbe.exec.command[0]).toBe('pg_isready');
    expect(container(pg).env).toContainEqual({ name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: 'blog-postgres', key: 'password' } } });
    expect(spec(blog.get('Service/postgres')).clusterIP).toBe('None');
  });

  it('caches in Valkey with persistence off and LRU eviction below the memory limit', () => {
    const conf = (blog.get('ConfigMap/valkey') as any).data['valkey.conf'] as string;
    expect(conf).toContain('save ""\nappendonly no\nmaxmemory 201326592\nmaxmemory-policy allkeys-lru\n');
    expect(container(blog.get('Deployment/web')).env).toContainEqual({ name: 'REDIS_URL', value: 'redis://valkey:6379/0' });
  });
});

describe('cloudflared (seed 000)', () => {
  const config = parse((tunnel.get('ConfigMap/cloudflared') as any).data['config.yaml']);

  it('routes the blog\'s hostnames to NGINX, and anything unknown to a 404', () => {
    expect(config.ingress).toContainEqual({ hostname: 'caiodonalisio.com', service: 'http://nginx.blog.svc.cluster.local:8080' });
    expect(config.ingress).toContainEqual({ hostname: 'www.caiodonalisio.com', service: 'http://nginx.blog.svc.cluster.local:8080' });
    expect(config.ingress.at(-1)).toEqual({ service: 'http_status:404' });
    expect(config.protocol).toBe('http2');
  });

  it('uses host networking with ClusterFirstWithHostNet, as the seed explains', () => {
    const pod = spec(tunnel.get('Deployment/cloudflared')).template.spec;
    expect(pod.hostNetwork).toBe(true);
    expect(pod.dnsPolicy).toBe('ClusterFirstWithHostNet');
  });

  it('reads its credentials from a Secret that is referenced, never written', () => {
    const pod = spec(tunnel.get('Deployment/cloudflared')).template.spec;
    expect(pod.volumes).toContainEqual({ name: 'credentials', secret: { secretName: 'cloudflared-credentials' } });
    expect(config['credentials-file']).toBe('/etc/cloudflared/creds/credentials.json');
    // Upstream installs render empty Secrets their components fill (argocd-secret); none holds a value.
    const valued = rendering.objects.filter(o => o.manifest.kind === 'Secret' && (o.manifest.data || o.manifest.stringData));
    expect(valued.map(o => o.file)).toEqual([]);
  });
});

describe.each(PLATFORMS)('the tunnel of %s', (_, build) => {
  const platform = build();
  const tunnelApp = manifestsOf(render(platform), 'cloudflared');
  const rules = parse((tunnelApp.get('ConfigMap/cloudflared') as any).data['config.yaml']).ingress;

  it('routes every public route the charts declare to its Service, then everything else to a 404', () => {
    const routes = Routes.declared(platform).filter(r => r.exposure === 'public');
    expect(routes.length).toBeGreaterThan(0);
    expect(rules.slice(0, -1)).toEqual(routes.map(r => ({ hostname: r.hostname, service: r.url, ...(r.path === '/' ? {} : { path: expect.any(String) }) })));
    expect(rules.at(-1)).toEqual({ service: 'http_status:404' });
  });
});

describe('bun-blog (seed 004)', () => {
  it('serves port 3000 with readiness on /health after 5 s every 10 s', () => {
    const web = container(bunBlog.get('Deployment/blog'));
    expect(web.ports).toEqual([{ name: 'http', containerPort: 3000 }]);
    expect(web.readinessProbe).toEqual({ httpGet: { path: '/health', port: 'http' }, initialDelaySeconds: 5, periodSeconds: 10 });
    expect(web.livenessProbe).not.toEqual(web.readinessProbe);
  });

  it('scales between 2 and 5 pods on CPU with requests 100m/128Mi and limits 500m/512Mi', () => {
    expect(spec(bunBlog.get('HorizontalPodAutoscaler/blog'))).toMatchObject({ minReplicas: 2, maxReplicas: 5 });
    expect(spec(bunBlog.get('Deployment/blog'))).not.toHaveProperty('replicas');
    expect(container(bunBlog.get('Deployment/blog')).resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } });
  });

  it('reaches PostgreSQL (50Gi) only through PgBouncer in transaction mode', () => {
    const env = Object.fromEntries(container(bunBlog.get('Deployment/blog')).env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env.PGHOST).toBe('postgres-pooler');
    const pooler = Object.fromEntries(container(bunBlog.get('Deployment/postgres-pooler')).env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(pooler).toMatchObject({ DB_HOST: 'postgres', POOL_MODE: 'transaction' });
    expect(spec(bunBlog.get('StatefulSet/postgres')).volumeClaimTemplates[0].spec.resources.requests.storage).toBe('50Gi');
  });

  it('publishes blog.sudharsana.dev through Traefik', () => {
    expect(spec(bunBlog.get('Ingress/blog'))).toMatchObject({ ingressClassName: 'traefik', rules: [{ host: 'blog.sudharsana.dev' }] });
  });

  it('takes hostnames, image tags and sizes as settings', () => {
    const platform = emptyPlatform();
    new BunBlogChart(platform, 'bun-blog', { hostname: 'blog.example.org', web: { image: 'blog:9.9.9' }, storage: { database: '20Gi' } });
    const objects = manifestsOf(render(platform), 'bun-blog');
    expect(spec(objects.get('Ingress/blog')).rules[0].host).toBe('blog.example.org');
    expect(container(objects.get('Deployment/blog')).image).toBe('blog:9.9.9');
    expect(container(objects.get('Deployment/blog')).ports).toEqual([{ name: 'http', containerPort: 3000 }]);
    expect(spec(objects.get('StatefulSet/postgres')).volumeClaimTemplates[0].spec.resources.requests.storage).toBe('20Gi');
  });
});

describe('url-shortener (seed 002)', () => {
  const app = manifestsOf(rendering, 'url-shortener');
  const api = container(app.get('Deployment/api'));
  const env = Object.fromEntries(api.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));

  it('runs the service of app/ in 3 replicas on port 5000, live on /health and ready on /ready', () => {
    expect(spec(app.get('Deployment/api')).replicas).toBe(3);
    expect(api.ports).toEqual([{ name: 'http', containerPort: 5000 }]);
    expect(api.livenessProbe.httpGet).toEqual({ path: '/health', port: 'http' });
    expect(api.readinessProbe.httpGet).toEqual({ path: '/ready', port: 'http' });
    // one Node.js process uses one core: that is what it requests (issue 14)
    expect(api.resources).toEqual({ requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '2', memory: '4Gi' } });
  });

  it('states the API mode it deploys: API keys and owners, not seed 002 open contract', () => {
    expect(env.OPEN_API).toBe('false');
    expect(env.TRUST_PROXY_HOPS).toBe('1');
  });

  it('is reached on NodePort 30080 and through the Ingress, and scraped on /metrics', () => {
    expect(spec(app.get('Service/api'))).toMatchObject({ type: 'NodePort', ports: [{ port: 5000, nodePort: 30080 }] });
    expect(spec(app.get('Ingress/api')).rules[0].host).toBe('short.example.com');
    expect(spec(app.get('Deployment/api')).template.metadata.annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '5000' });
  });

  it('connects to PostgreSQL through the Pooler with CloudNativePG\'s credentials, and to Valkey through its Sentinels', () => {
    expect(env.DATABASE_URL).toBe('postgresql://$(DB_USER):$(DB_PASSWORD)@postgres-pooler-rw:5432/urlshortener');
    expect(env.DB_PASSWORD).toEqual({ secretKeyRef: { name: 'postgres-app', key: 'password' } });
    expect(env.REDIS_SENTINELS).toBe('valkey-sentinel:26379');
    expect(env.REDIS_PASSWORD).toEqual({ secretKeyRef: { name: 'url-shortener-valkey', key: 'password' } });
    expect(env.CACHE_TTL_SECONDS).toBe('30');
  });
});
