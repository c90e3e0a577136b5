import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPlatform } from '../charts/platform';
import { render } from '../lib/synth/render';
import { manifestsOf, tempDir } from './support/platform';

describe('the generated nginx.conf', () => {
  it('is accepted by nginx -t', () => {
    const conf = (manifestsOf(render(buildPlatform()), 'blog').get('ConfigMap/nginx-config') as any).data['nginx.conf'] as string;
    // nginx -t resolves upstream hosts; the Service name `web` only resolves inside the cluster,
    // so this copy swaps just that line for a loopback address.
    const upstream = /server web:(\d+);/;
    expect(conf).toMatch(upstream);
    const dir = tempDir('nginx-');
    const file = path.join(dir, 'nginx.conf');
    fs.writeFileSync(file, conf.replace(upstream, 'server 127.0.0.1:$1;'));
    // Through a file, as in a container: Node's stdio pipes are sockets, which /dev/stdout cannot open.
    const log = path.join(dir, 'nginx-t.log');
    const result = spawnSync('sh', ['-c', 'command -v nginx >/dev/null || exit 127; nginx -t -e stderr -p "$1" -c "$2" >"$3" 2>&1', 'sh', dir, file, log]);
    const output = fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '';
    fs.rmSync(dir, { recursive: true, force: true });
    expect(result.status, 'nginx is not installed (apt-get install nginx-light)').not.toBe(127);
    expect(output).toContain('syntax is ok');
    expect(output).toContain('test is successful');
    expect(result.status, output).toBe(0);
  });
});
