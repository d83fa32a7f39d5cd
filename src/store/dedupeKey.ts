import type { Action } from '../decision/types.js';

/**
 * Returns the key that identifies an action within its order. The outbox contains at most one
 * action per shop, order and key. Emails carry their own key, and a SPAR job and its
 * cancellation each happen at most once per order.
 */
export function dedupeKeyOf(action: Action): string {
  switch (action.type) {
    case 'email':
      return action.dedupeKey;
    case 'spar.create':
      return 'spar.create';
    case 'spar.cancel':
      return 'spar.cancel';
  }
}
