import type { Action } from '../decision/types.js';

/** An action as `replay --json` reports it: what happens, without customer data. */
export type ActionSummary =
  | {
      type: 'spar.create';
      orderId: string;
      items: { sku: string; quantity: number; assemblyPrice: string }[];
    }
  | { type: 'spar.cancel'; orderId: string; reason: string }
  | { type: 'email'; kind: string };

export function summarizeAction(action: Action): ActionSummary {
  switch (action.type) {
    case 'spar.create':
      return {
        type: action.type,
        orderId: action.orderId,
        items: action.items.map(({ sku, quantity, assemblyPrice }) => ({
          sku,
          quantity,
          assemblyPrice,
        })),
      };
    case 'spar.cancel':
      return { type: action.type, orderId: action.orderId, reason: action.reason };
    case 'email':
      return { type: action.type, kind: action.kind };
  }
}
