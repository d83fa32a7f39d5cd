import type { Catalog } from '../catalog/catalog.js';
import type { ShopifyFulfillment, ShopifyOrder } from '../shopify/webhookBodies.js';
import type { Topic } from '../shopify/topics.js';

export const emailKinds = [
  'order_received',
  'order_received_no_assembly',
  'partial_fulfillment',
  'spar_posted',
  'outside_coverage',
  'spar_cancelled',
  'cancellation_needs_review',
  'error',
  'liveness_ok',
  'liveness_down',
] as const;

export type EmailKind = (typeof emailKinds)[number];

/** A validated event about one order, as the decision function receives it. */
export type OrderEvent =
  | {
      kind: 'order';
      topic: Exclude<Topic, 'fulfillments/create' | 'app/uninstalled'>;
      order: ShopifyOrder;
    }
  | { kind: 'fulfillment'; topic: 'fulfillments/create'; fulfillment: ShopifyFulfillment };

/** Per-order state kept between events. Plain JSON, so any store can keep it. */
export interface OrderState {
  shop: string;
  orderId: string;
  /** Newest order body seen, by `updated_at`; null while only fulfillment events have arrived. */
  order: ShopifyOrder | null;
  /** Fulfillments seen in `fulfillments/create` events, keyed by fulfillment id. */
  fulfillments: Record<string, ShopifyFulfillment>;
  cancelled: { reason: string | null; at: string | null } | null;
  /** True once a `spar.create` action was queued for this order. */
  sparPosted: boolean;
  /** True once a `spar.cancel` action was queued for this order. */
  sparCancelled: boolean;
  /** Dedupe keys of the emails already queued, such as `order_received` or `outside_coverage:02134`. */
  emailsSent: string[];
}

/** Switches of the business rules that operators may change without a release. */
export interface DecisionRules {
  /** Send `order_received_no_assembly` for orders without assembly legs. */
  notifyNoAssembly: boolean;
  /** Cancel reasons that cancel the SPAR job automatically; null means every reason. */
  cancelReasons: ReadonlySet<string> | null;
}

export interface DecisionInput {
  shop: string;
  event: OrderEvent;
  state: OrderState | undefined;
  catalog: Catalog;
  rules: DecisionRules;
}

/** One assembly leg as emails and SPAR see it. Prices are decimal strings with two places, per unit. */
export interface LegSummary {
  lineItemId: string;
  sku: string;
  title: string | null;
  quantity: number;
  fulfilledQuantity: number;
  assemblyPrice: string;
}

export interface SparItem {
  sku: string;
  description: string;
  quantity: number;
  assemblyPrice: string;
}

export interface SparCreateAction {
  type: 'spar.create';
  orderId: string;
  items: SparItem[];
  /** When the last leg was fulfilled, ISO 8601. */
  fulfilledAt: string;
  tracking: { company: string | null; number: string }[];
}

export interface SparCancelAction {
  type: 'spar.cancel';
  orderId: string;
  reason: string;
  cancelledAt: string | null;
}

/** Facts an email template renders. Contains no customer contact data. */
export interface EmailDetails {
  shop: string;
  orderId: string | null;
  orderName: string | null;
  legs: LegSummary[];
  zip: string | null;
  countryCode: string | null;
  cancelReason: string | null;
  /** Free text for `error` alerts: what failed and on which field. */
  reason: string | null;
  webhookId: string | null;
  topic: string | null;
}

export interface EmailAction {
  type: 'email';
  kind: EmailKind;
  /** Unique per order: the kind, plus the cause for alerts that may repeat when it changes. */
  dedupeKey: string;
  details: EmailDetails;
}

export type Action = SparCreateAction | SparCancelAction | EmailAction;

export interface Decision {
  /** `stale` when the event carried nothing newer than the stored state. */
  outcome: 'applied' | 'stale';
  state: OrderState;
  actions: Action[];
  /** One line for logs, the event log and replay output. */
  explanation: string;
}
