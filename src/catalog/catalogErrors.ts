import { SparBridgeError } from '../errors.js';

/** A catalog source that cannot be read at all: a missing or unreadable file, a broken CSV. */
export class CatalogUnavailableError extends SparBridgeError {
  constructor(message: string, options: { retriable?: boolean; cause?: unknown } = {}) {
    super('CATALOG_UNAVAILABLE', message, options);
  }
}
