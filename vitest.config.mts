import { defineConfig } from 'vitest/config';
import ClusterFilesFirst from './test/support/sequencer';
import { testTempDir } from './test/support/tmpfs';

// The test files' workers, and all they start, inherit it.
const tmp = testTempDir();
if (tmp) process.env.TMPDIR = tmp;

export default defineConfig({
  test: {
    sequence: { sequencer: ClusterFilesFirst },
    projects: [
      {
        test: {
          name: 'platform',
          include: ['test/**/*.test.ts'],
          testTimeout: 60_000,
          // A hook that copies the project (test/support/platform.ts) takes more than vitest's 10 s
          // when another file runs beside it on a loaded machine.
          hookTimeout: 60_000,
          // Vitest's default is one file fewer than the cores: one at a time on two. Two side by side
          // keep both cores busy; a third gains nothing, as the files that boot a control plane are
          // CPU-bound (the four of them took 261 s side by side and 246 s one after the other), and
          // the whole suite with three took 382 s and 725 s of CPU, against 365 s and 618 s with two.
          maxWorkers: 2,
          // V8's young generation at 32 MB, not 16: a render allocates in bursts, and 37 of the quick
          // files took 6 % less CPU this way (docs/testing.md).
          execArgv: ['--max-semi-space-size=32'],
          // Each worker keeps the modules it imported from one file to the next: importing the
          // platform again cost each file about 1 s of CPU. The 85 files but the cluster ones took
          // 214 s and 346 s of CPU this way, against 243 s and 402 s (docs/testing.md).
          isolate: false,
        },
      },
      'app',
    ],
  },
});
