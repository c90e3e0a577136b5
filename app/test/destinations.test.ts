import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from './helpers/app.js';
import { userWithKey, withJson, type KeyedUser } from './helpers/keys.js';

// Where a short link may point: every hostile category of issue 14, on create and update.

let t: TestApp;
let owner: KeyedUser;
beforeAll(async () => {
  t = await buildTestApp({ mode: 'protected', env: { DESTINATION_DENY_DOMAINS: 'evil.example,*.phish.example', RATE_LIMIT_CREATES: '0' } });
  owner = await userWithKey(t);
});
afterAll(async () => {
  await t?.close();
});

const create = (original_url: string) => t.app.inject({ method: 'POST', url: '/urls', ...withJson(owner.auth, { original_url }) });

const refused: [string, string][] = [
  // userinfo
  ['http://user:pass@example.com/', 'userinfo'],
  ['https://paypal.com@evil.example/login', 'userinfo'],
  ['https://user@example.com/', 'userinfo'],
  // loopback in every spelling
  ['http://127.0.0.1/', 'ip-range'],
  ['http://127.1/', 'ip-range'],
  ['http://0x7f000001/', 'ip-range'],
  ['http://2130706433/', 'ip-range'],
  ['http://0177.0.0.1/', 'ip-range'],
  ['http://0x7f.0.0.1/', 'ip-range'],
  ['http://[::1]/', 'ip-range'],
  ['http://[::ffff:127.0.0.1]/', 'ip-range'],
  ['http://[::ffff:7f00:1]/', 'ip-range'],
  ['http://0.0.0.0/', 'ip-range'],
  ['http://[::]/', 'ip-range'],
  // private ranges
  ['http://10.0.0.1/', 'ip-range'],
  ['http://172.16.5.4/', 'ip-range'],
  ['http://192.168.1.1:8080/admin', 'ip-range'],
  ['http://[fd00::1]/', 'ip-range'],
  ['http://[::ffff:10.1.2.3]/', 'ip-range'],
  ['http://100.64.0.1/', 'ip-range'],
  // link-local and the metadata service
  ['http://169.254.169.254/latest/meta-data/', 'ip-range'],
  ['http://0xa9fea9fe/', 'ip-range'],
  ['http://[fe80::1]/', 'ip-range'],
  ['http://[fd00:ec2::254]/', 'ip-range'],
  ['http://[::ffff:169.254.169.254]/', 'ip-range'],
  // names that only resolve inside the cluster or the machine
  ['http://localhost:5000/', 'internal-hostname'],
  ['http://LOCALHOST./', 'internal-hostname'],
  ['http://api.localhost/', 'internal-hostname'],
  ['http://postgres/', 'internal-hostname'],
  ['http://url-shortener-valkey.url-shortener.svc/', 'internal-hostname'],
  ['http://kubernetes.default.svc.cluster.local/api', 'internal-hostname'],
  ['http://metadata.google.internal/', 'internal-hostname'],
  // the configured deny-list, subdomains included
  ['https://evil.example/', 'denied-domain'],
  ['https://www.evil.example/', 'denied-domain'],
  ['https://login.phish.example/', 'denied-domain'],
];

describe('destinations', () => {
  it.each(refused)('refuses %s with a 422 naming the rule %s', async (target, rule) => {
    const response = await create(target);
    expect(response.statusCode).toBe(422);
    const message = response.json().errors.json.original_url[0] as string;
    expect(message).toContain(`(${rule})`);
  });

  it('refuses them on update too, and leaves the link as it was', async () => {
    const url = (await create('https://example.com/ok')).json();
    for (const [target, rule] of refused) {
      const response = await t.app.inject({ method: 'PUT', url: `/urls/${url.id}`, ...withJson(owner.auth, { original_url: target }) });
      expect(response.statusCode, target).toBe(422);
      expect(response.json().errors.json.original_url[0]).toContain(`(${rule})`);
    }
    expect((await t.db.query('SELECT original_url FROM urls WHERE id = $1', [url.id])).rows[0].original_url).toBe('https://example.com/ok');
  });

  it.each(['https://example.com/a?b=c#d', 'http://93.184.215.14/', 'http://[2606:4700::1111]/', 'https://sub.example.org:8443/x', 'https://evil.example.org/'])(
    'accepts the public destination %s',
    async (target) => {
      expect((await create(target)).statusCode).toBe(201);
    },
  );

  it('with an allow-list, accepts only its domains', async () => {
    const strict = await buildTestApp({ mode: 'protected', env: { DESTINATION_ALLOW_DOMAINS: 'example.com' } });
    try {
      const user = await userWithKey(strict);
      const post = (original_url: string) => strict.app.inject({ method: 'POST', url: '/urls', ...withJson(user.auth, { original_url }) });
      expect((await post('https://docs.example.com/x')).statusCode).toBe(201);
      const other = await post('https://example.org/');
      expect(other.statusCode).toBe(422);
      expect(other.json().errors.json.original_url[0]).toContain('(not-allowed-domain)');
    } finally {
      await strict.close();
    }
  });
});
