import { Postgres } from '../lib/data/postgres';
import { GitOpsChart } from '../lib/gitops/gitops-chart';
import { AppChart } from '../lib/platform/app-chart';
import { Platform } from '../lib/platform/platform';
import { externalSecret } from '../lib/secrets/external-secret';
import { WebService } from '../lib/web/web-service';

/**
 * A platform of `apps` web apps with a database each, built in memory for the growth benchmark
 * (never committed). `variant` changes the image of every 16th app, for the diff benchmark.
 */
export function syntheticPlatform(apps: number, variant = 0): Platform {
  const platform = new Platform({ repoURL: 'https://git.example.com/bench/platform.git' });
  for (let i = 0; i < apps; i++) {
    const chart = new AppChart(platform, `app-${i}`, { category: `layer-${i % 10}` });
    externalSecret(chart, { name: 'app-db', keys: ['password'], usedBy: "the app's PostgreSQL user" });
    const db = new Postgres(chart, 'postgres', { database: 'app', passwordSecret: { name: 'app-db', key: 'password' }, storageSize: '5Gi' });
    // Every 16th app: its Deployment changes, about 1% of all objects.
    const tag = variant && i % 16 === 0 ? `1.0.${variant}` : '1.0.0';
    new WebService(chart, 'web', {
      image: `registry.example.com/app-${i}:${tag}`,
      port: 8080,
      ingress: { hosts: [`app-${i}.example.com`] },
    }).connectsTo(db);
  }
  new GitOpsChart(platform);
  return platform;
}
