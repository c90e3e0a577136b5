import { IConstruct } from 'constructs';

/**
 * A mistake in the platform description: bad props, a missing reference, two objects in one file.
 * Synthesis reports these as findings (exit code 2), distinct from a crash (exit code 1).
 */
export class PlatformError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlatformError';
  }
}

/** Throws a PlatformError naming the construct path and the prop at fault. */
export function fail(scope: IConstruct, field: string, message: string): never {
  throw new PlatformError(`${scope.node.path}: ${field}: ${message}`);
}
