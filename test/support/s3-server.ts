import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { pinnedRclone } from './pinned-tools';
import { Processes, freePort, requireProgram, waitFor } from './servers';

/** An S3-compatible object store on a loopback port: `rclone serve s3` over HTTPS, with one key pair. */
export interface S3Server {
  /** `https://127.0.0.1:<port>`, what an endpoint setting points at. */
  readonly endpoint: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** The server's self-signed certificate, for clients to trust (rclone `--ca-cert`, boto3 `AWS_CA_BUNDLE`). */
  readonly caCert: string;
  /** The folder it serves: one subfolder per bucket, one file per object. */
  readonly root: string;
  /** Creates a bucket (an empty folder). */
  createBucket(name: string): void;
}

/**
 * Starts `rclone serve s3` (the pinned rclone) in `dir`. HTTPS, because the platform refuses a
 * plain-HTTP endpoint; the certificate is made here for 127.0.0.1 and lives only in `dir`.
 */
export async function startS3Server(processes: Processes, dir: string): Promise<S3Server> {
  const root = path.join(dir, 'buckets');
  fs.mkdirSync(root, { recursive: true });
  const caCert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  execFileSync(requireProgram('openssl'), ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', key, '-out', caCert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  // The postgres user (archive_command) reads the certificate too.
  fs.chmodSync(dir, 0o755);
  fs.chmodSync(caCert, 0o644);
  const port = await freePort();
  const server = { accessKeyId: 'drill-access-key', secretAccessKey: 'drill-secret-key' };
  const child = processes.start(pinnedRclone(), ['serve', 's3', root, `--addr=127.0.0.1:${port}`, `--auth-key=${server.accessKeyId},${server.secretAccessKey}`,
    `--cert=${caCert}`, `--key=${key}`, '--config=', '--log-level=INFO'], { logFile: path.join(dir, 'serve-s3.log') });
  await waitFor('rclone serve s3 to listen', () => new Promise<true | undefined>((resolve, reject) => {
    if (child.exitCode !== null) reject(new Error(`rclone serve s3 exited: ${fs.readFileSync(path.join(dir, 'serve-s3.log'), 'utf8')}`));
    const socket = net.connect(port, '127.0.0.1', () => { socket.destroy(); resolve(true); }).on('error', () => resolve(undefined));
  }), 20_000);
  return {
    ...server,
    endpoint: `https://127.0.0.1:${port}`,
    caCert,
    root,
    createBucket: name => fs.mkdirSync(path.join(root, name), { recursive: true }),
  };
}
