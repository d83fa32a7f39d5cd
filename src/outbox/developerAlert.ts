import type { EmailAction } from '../decision/types.js';

export interface DeveloperAlertInput {
  /** Unique per order (or per shop when `orderId` is null); repeats with the same key are dropped. */
  dedupeKey: string;
  /** Description of what failed and what to do next; contains no secret and no customer contact data. */
  reason: string;
  shop?: string;
  orderId?: string | null;
  orderName?: string | null;
  webhookId?: string | null;
  topic?: string | null;
}

/** Builds an `error` email for the developers' list, the one shape every alert uses. */
export function developerAlert(input: DeveloperAlertInput): EmailAction {
  return {
    type: 'email',
    kind: 'error',
    dedupeKey: input.dedupeKey,
    details: {
      shop: input.shop ?? '',
      orderId: input.orderId ?? null,
      orderName: input.orderName ?? null,
      legs: [],
      zip: null,
      countryCode: null,
      cancelReason: null,
      reason: input.reason,
      webhookId: input.webhookId ?? null,
      topic: input.topic ?? null,
    },
  };
}
