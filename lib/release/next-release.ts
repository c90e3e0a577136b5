import { releaseTool } from './tools';

/** What semantic-release would release next: `version` null when nothing releasable landed. */
export interface NextRelease {
  version: string | null;
  tag: string | null;
  notes: string;
}

/** The part of semantic-release's JS API used here (its types live in tools/release). */
type SemanticRelease = (
  options: { dryRun: boolean; ci: boolean },
  context: { cwd: string; env: NodeJS.ProcessEnv; stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream },
) => Promise<false | { nextRelease: { version: string; gitTag: string; notes?: string } }>;

export interface NextReleaseOptions {
  /** Whether semantic-release checks that it runs in CI on the release branch. */
  readonly ci: boolean;
  /** The environment semantic-release reads the CI and branch from. */
  readonly env?: NodeJS.ProcessEnv;
  /** Where semantic-release's own log goes. */
  readonly log?: NodeJS.WritableStream;
}

/**
 * The next release of the service in `dir` (its `.releaserc.json`), always a dry run. Changes the
 * process's directory to `dir` and leaves it there: semantic-release-monorepo reads the package and
 * the git root from it.
 */
export async function nextRelease(dir: string, { ci, env = process.env, log = process.stderr }: NextReleaseOptions): Promise<NextRelease> {
  process.chdir(dir);
  const semanticRelease = (await import(releaseTool('semantic-release'))).default as SemanticRelease;
  const result = await semanticRelease({ dryRun: true, ci }, { cwd: dir, env, stdout: log, stderr: log });
  if (!result) return { version: null, tag: null, notes: '' };
  return { version: result.nextRelease.version, tag: result.nextRelease.gitTag, notes: result.nextRelease.notes ?? '' };
}
