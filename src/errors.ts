/**
 * One error taxonomy for the whole service. Every error has a stable `code` that logs and
 * alerts can be grouped by, and states whether repeating the same operation later can succeed.
 */
export class SparBridgeError extends Error {
  readonly code: string;
  readonly retriable: boolean;

  constructor(
    code: string,
    message: string,
    options: { retriable?: boolean; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}

/** Invalid or missing configuration; the message lists every problem and its fix. */
export class ConfigError extends SparBridgeError {
  constructor(message: string) {
    super('CONFIG_INVALID', message);
  }
}

/** A message or file that cannot be parsed or validated. Never retried. */
export class InvalidInputError extends SparBridgeError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('INPUT_INVALID', message, options);
  }
}

/** A failure that may pass on its own (database busy, network); the work is retried later. */
export class TransientError extends SparBridgeError {
  constructor(code: string, message: string, options: { cause?: unknown } = {}) {
    super(code, message, { ...options, retriable: true });
  }
}

/** Returns true when repeating the failed operation later can succeed. */
export function isRetriable(error: unknown): boolean {
  return error instanceof SparBridgeError ? error.retriable : false;
}
