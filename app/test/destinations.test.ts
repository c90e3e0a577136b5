import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from './helpers/app.js';
import { startDnsServer } from './helpers/dns-server.js';
import { userWithKey, withJson, type KeyedUser } from './helpers/keys.js';

// Where a short link may point: every hostile category of issues 14 and 25, on create and update.

let t: TestApp;
let owner: KeyedUser;
beforeAll(async () => {
  t = await buildTestApp({ mode: 'protected', env: { DESTINATION_DENY_DOMAINS: 'evil.example.net,*.phish.example.net', RATE_LIMIT_CREATES: '0' } });
  owner = await userWithKey(t);
});
afterAll(async () => {
  await t?.close();
});

const create = (original_url: string) => t.app.inject({ method: 'POST', url: '/urls', ...withJson(owner.auth, { original_url }) });

const refused: [string, string][] = [
  // userinfo
  ['http://user:pass@example.com/', 'userinfo'],
  ['https://paypal.com@evil.example.net/login', 'userinfo'],
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
  // every trailing dot goes before any rule runs (issue 25: one was stripped)
  ['http://foo.svc../', 'internal-hostname'],
  ['http://metadata.google.internal../', 'internal-hostname'],
  ['http://127.0.0.1../', 'ip-range'],
  ['http://LOCALHOST.../', 'internal-hostname'],
  // IPv6 forms that carry an IPv4 address: compatible (::a.b.c.d), NAT64, 6to4
  ['http://[::127.0.0.1]/', 'ip-range'],
  ['http://[::169.254.169.254]/', 'ip-range'],
  ['http://[::10.0.0.1]/', 'ip-range'],
  ['http://[64:ff9b::7f00:1]/', 'ip-range'],
  ['http://[2002:7f00:1::]/', 'ip-range'],
  // names that only a cluster's search domains complete: service.namespace, and any made-up TLD
  ['http://kubernetes.default/', 'internal-hostname'],
  ['http://postgres.url-shortener:5432/', 'internal-hostname'],
  ['http://valkey.cache.svc.cluster/', 'internal-hostname'],
  ['http://router.home.arpa/', 'internal-hostname'],
  ['http://a..example.com/', 'malformed-host'],
  // IDN homographs: mixed scripts, and Cyrillic letters that all look Latin (also as punycode)
  ['https://аpple.com/', 'homograph'],
  ['https://xn--pple-43d.com/', 'homograph'],
  ['https://аррӏе.com/', 'homograph'],
  ['https://login.раураl.com/', 'homograph'],
  ['https://gοogle.com/', 'homograph'],
  // the configured deny-list, subdomains included
  ['https://evil.example.net/', 'denied-domain'],
  ['https://www.evil.example.net./', 'denied-domain'],
  ['https://login.phish.example.net/', 'denied-domain'],
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

  it.each([
    'https://example.com/a?b=c#d',
    'https://example.com./trailing-dot',
    'http://93.184.215.14/',
    'http://[2606:4700::1111]/',
    'https://sub.example.org:8443/x',
    'https://evil.example.org/',
    'https://bücher.de/',
    'https://пример.рф/',
    'https://日本語.jp/',
    'https://münchen.例え.jp/',
    'https://1.2.3.4.nip.io.example.com/',
  ])(
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

  it('with DESTINATION_HOMOGRAPHS=flag, accepts a homograph and flags it in the answer, the log and /metrics', async () => {
    const lenient = await buildTestApp({ mode: 'protected', env: { DESTINATION_HOMOGRAPHS: 'flag' } });
    try {
      const user = await userWithKey(lenient);
      const created = await lenient.app.inject({ method: 'POST', url: '/urls', ...withJson(user.auth, { original_url: 'https://аpple.com/login' }) });
      expect(created.statusCode).toBe(201);
      expect(created.headers['x-destination-flags']).toBe('homograph');
      const plain = await lenient.app.inject({ method: 'POST', url: '/urls', ...withJson(user.auth, { original_url: 'https://apple.com/' }) });
      expect(plain.headers['x-destination-flags']).toBeUndefined();
      const metrics = (await lenient.app.inject({ method: 'GET', url: '/metrics' })).body;
      expect(metrics).toMatch(/^destinations_flagged_total\{rule="homograph"\} 1$/m);
      // still refused outright: what no setting allows
      const internal = await lenient.app.inject({ method: 'POST', url: '/urls', ...withJson(user.auth, { original_url: 'http://kubernetes.default/' }) });
      expect(internal.statusCode).toBe(422);
    } finally {
      await lenient.close();
    }
  });
});

describe('destinations with a resolver (DESTINATION_RESOLVER)', () => {
  it('refuses names that resolve to private, loopback or link-local addresses, accepts public and unknown ones, and answers 503 when the resolver is silent', async () => {
    const dns = await startDnsServer(
      {
        '127.0.0.1.nip.io': { A: ['127.0.0.1'] },
        'metadata.example.com': { A: ['169.254.169.254'] },
        'lan.example.com': { A: ['93.184.215.14', '192.168.1.20'] },
        'v6.example.com': { AAAA: ['fd00::1'] },
        'mapped.example.com': { AAAA: ['::ffff:10.0.0.1'] },
        'public.example.com': { A: ['93.184.215.14'], AAAA: ['2606:2800:21f:cb07:6820:80da:af6b:8b2c'] },
      },
      ['slow.example.com'],
    );
    const resolving = await buildTestApp({ mode: 'protected', env: { DESTINATION_RESOLVER: dns.address, DESTINATION_RESOLVE_TIMEOUT_MS: '300', RATE_LIMIT_CREATES: '0' } });
    try {
      const user = await userWithKey(resolving);
      const post = (host: string) => resolving.app.inject({ method: 'POST', url: '/urls', ...withJson(user.auth, { original_url: `https://${host}/x` }) });
      const refusedWith = async (host: string) => {
        const response = await post(host);
        expect(response.statusCode, host).toBe(422);
        return response.json().errors.json.original_url[0] as string;
      };
      expect(await refusedWith('127.0.0.1.nip.io')).toBe('Destination refused (resolves-internal): 127.0.0.1.nip.io resolves to 127.0.0.1, in the loopback range.');
      expect(await refusedWith('metadata.example.com')).toBe('Destination refused (resolves-internal): metadata.example.com resolves to 169.254.169.254, in the linkLocal range.');
      expect(await refusedWith('lan.example.com')).toContain('resolves to 192.168.1.20, in the private range');
      expect(await refusedWith('v6.example.com')).toContain('resolves to fd00::1, in the uniqueLocal range');
      expect(await refusedWith('mapped.example.com')).toContain('resolves to ::ffff:a00:1 carries 10.0.0.1, in the private range');
      expect((await post('public.example.com')).statusCode).toBe(201);
      // a name with no address yet has nothing to judge
      expect((await post('nowhere.example.com')).statusCode).toBe(201);

      const slow = await post('slow.example.com');
      expect(slow.statusCode).toBe(503);
      expect(slow.headers['retry-after']).toBe('2');
      expect(slow.json().message).toMatch(/^The destination could not be checked: could not resolve slow.example.com/);
      const { rows } = await resolving.db.query("SELECT count(*)::int AS n FROM urls WHERE original_url LIKE '%slow.example.com%'");
      expect(rows[0].n).toBe(0);

      // names refused by the rules before it are never asked
      const asked = dns.asked.length;
      expect(await refusedWith('kubernetes.default')).toContain('(internal-hostname)');
      expect(dns.asked.length).toBe(asked);
    } finally {
      await resolving.close();
      await dns.close();
    }
  });
});
