import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IMAGES } from '../lib/images';
import { barmanBin, pinnedRclone } from './support/pinned-tools';
import { REPO_ROOT, tempDir } from './support/platform';

/*
 * The programs the restore drills run: rclone built from its Go module at the rclone image's
 * version (scripts/build-rclone.sh), and Barman Cloud from PyPI (scripts/install-barman.sh), both
 * cached under .cache/ by pretest.
 */

const dir = tempDir('restore-drill-tools-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const imageTag = IMAGES.rclone.split(':').pop()!;

describe('the rclone of the drills', () => {
  it('is the version of the rclone image the backup jobs run, built from github.com/rclone/rclone', () => {
    expect(fs.readFileSync(path.join(REPO_ROOT, 'tools/rclone/go.mod'), 'utf8')).toMatch(new RegExp(`^\\s*github\\.com/rclone/rclone v${imageTag.replace(/\./g, '\\.')}\\b`, 'm'));
    const binary = pinnedRclone();
    expect(binary.startsWith(path.join(REPO_ROOT, '.cache/rclone', `v${imageTag}-`))).toBe(true);
    expect(execFileSync(binary, ['version'], { encoding: 'utf8' }).split('\n')[0]).toBe(`rclone v${imageTag}`);
  });

  it('is refused, naming scripts/pin-rclone.sh, when tools/rclone/go.mod and the image disagree', () => {
    const copy = path.join(dir, 'repo');
    for (const entry of ['scripts/build-rclone.sh', 'scripts/lib', 'tools/rclone', 'lib/images.ts']) fs.cpSync(path.join(REPO_ROOT, entry), path.join(copy, entry), { recursive: true });
    const images = path.join(copy, 'lib/images.ts');
    fs.writeFileSync(images, fs.readFileSync(images, 'utf8').replace(IMAGES.rclone, IMAGES.rclone.replace(/:.*$/, ':1.99.0')));
    const result = spawnSync(path.join(copy, 'scripts/build-rclone.sh'), [], { encoding: 'utf8', env: { ...process.env, RCLONE_CACHE_DIR: path.join(dir, 'cache') } });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(`build-rclone: tools/rclone/go.mod pins rclone v${imageTag} but lib/images.ts runs the image 1.99.0; run scripts/pin-rclone.sh\n`);
    expect(fs.existsSync(path.join(dir, 'cache'))).toBe(false);
  });
});

describe('the Barman Cloud of the drills', () => {
  it('is the version tools/barman/requirements.txt pins, runnable by the postgres user that archive_command runs as', () => {
    const pinned = /^barman\[cloud\]==(\S+)$/m.exec(fs.readFileSync(path.join(REPO_ROOT, 'tools/barman/requirements.txt'), 'utf8'))![1];
    const bin = barmanBin();
    for (const program of ['barman-cloud-backup', 'barman-cloud-wal-archive', 'barman-cloud-restore', 'barman-cloud-wal-restore', 'barman-cloud-backup-delete', 'barman-cloud-backup-list']) {
      const command = [path.join(bin, program), '--version'];
      const [file, ...args] = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--', ...command] : command;
      const result = spawnSync(file, args, { encoding: 'utf8' });
      expect(`${result.stdout}${result.stderr}`.trim(), program).toBe(`${program} ${pinned}`);
    }
  });
});
