import type { Action } from '../decision/types.js';

/**
 * Returns the key that identifies an action within its order: the outbox holds at most one
 * action per shop, order and key. Emails carry their own key; a SPAR job and its
 * cancellation happen at most once per order.
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
