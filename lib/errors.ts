import { IConstruct } from 'constructs';

/**
 * A mistake in the platform description: bad props, a missing reference, two objects in one file.
 * Synthesis reports these as findings (exit code 2), distinct from a crash (exit code 1).
 */
export class PlatformError extends Error {
  /** `cause`: the mistake this one adds the construct path to, so a test can tell where it was found. */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PlatformError';
  }
}

/** Throws a PlatformError naming the construct path and the prop at fault (and the error it explains, if any). */
export function fail(scope: IConstruct, field: string, message: string, cause?: unknown): never {
  throw new PlatformError(`${scope.node.path}: ${field}: ${message}`, cause === undefined ? undefined : { cause });
}
