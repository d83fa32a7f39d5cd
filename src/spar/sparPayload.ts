import type {
  OrderState,
  SparCancelAction,
  SparCreateAction,
  SparItem,
} from '../decision/types.js';
import { normalizeZip } from '../decision/normalize.js';
import { InvalidInputError } from '../errors.js';
import type { ShopifyAddress, ShopifyOrder } from '../shopify/webhookBodies.js';

/**
 * The mapping from spar-bridge's order state to SPAR's request bodies. An integrator whose
 * SPAR account expects other fields changes this module only; docs/spar-api.md describes
 * every field.
 */

export interface SparCustomer {
  name: string | null;
  email: string | null;
  phone: string | null;
}

export interface SparAddress {
  line1: string;
  line2: string | null;
  city: string | null;
  /** Two-letter state code, such as `MA`. */
  state: string | null;
  /** Normalised 5-digit ZIP. */
  zip: string;
  /** ISO 3166-1 alpha-2 country code. */
  country: string;
}

/** Body of `POST /assembly-orders`. */
export interface SparCreateBody {
  /** The order's `admin_graphql_api_id`; SPAR allows one job per value. */
  externalId: string;
  orderNumber: string;
  shop: string;
  customer: SparCustomer;
  address: SparAddress;
  items: SparItem[];
  fulfilledAt: string;
  tracking: { company: string | null; number: string }[];
}

/** Body of `POST /assembly-orders/{id}/cancellation`. */
export interface SparCancelBody {
  reason: string;
  note: string;
  cancelledAt: string;
}

/** Header value that lets SPAR drop a repeated create of the same order. */
export function createIdempotencyKey(shop: string, orderId: string): string {
  return `${shop}:${orderId}:create`;
}

/** Header value that lets SPAR drop a repeated cancellation of the same order. */
export function cancelIdempotencyKey(shop: string, orderId: string): string {
  return `${shop}:${orderId}:cancel`;
}

/**
 * Builds the create body from the stored order and the queued action. Throws
 * `InvalidInputError` when the order lacks what SPAR needs (an order body, a shipping address
 * with street and ZIP), because repeating the delivery cannot fix that.
 */
export function buildSparCreateBody(
  shop: string,
  state: Pick<OrderState, 'order'>,
  action: SparCreateAction,
): SparCreateBody {
  const { order } = state;
  if (order === null) {
    throw new InvalidInputError(
      `order ${action.orderId}: no order body is stored, so the SPAR job cannot be built`,
    );
  }

  return {
    externalId: order.admin_graphql_api_id,
    orderNumber: order.name,
    shop,
    customer: customerOf(order),
    address: addressOf(order),
    items: action.items.map((item) => ({ ...item })),
    fulfilledAt: toUtcTimestamp(action.fulfilledAt, `order ${order.name}: fulfilledAt`),
    tracking: action.tracking.map((entry) => ({ company: entry.company, number: entry.number })),
  };
}

/**
 * Builds the cancellation body. `recordedAt`, the time spar-bridge queued the cancellation,
 * replaces `cancelledAt` when Shopify gave no cancellation time.
 */
export function buildSparCancelBody(
  state: Pick<OrderState, 'order'> | undefined,
  action: SparCancelAction,
  recordedAt: Date,
): SparCancelBody {
  const orderName = state?.order?.name ?? `order ${action.orderId}`;
  const cancelledAt =
    action.cancelledAt === null
      ? toUtcTimestamp(recordedAt.toISOString(), 'recordedAt')
      : toUtcTimestamp(action.cancelledAt, 'cancelledAt');

  return {
    reason: action.reason,
    note: `Shopify ${orderName} was cancelled (reason: ${action.reason}).`,
    cancelledAt,
  };
}

function customerOf(order: ShopifyOrder): SparCustomer {
  const address = order.shipping_address;
  const customer = order.customer;

  const name =
    nonBlank(address?.name) ??
    joinName(address?.first_name, address?.last_name) ??
    joinName(customer?.first_name, customer?.last_name);

  return {
    name,
    email: nonBlank(customer?.email) ?? nonBlank(order.email),
    phone: nonBlank(address?.phone) ?? nonBlank(customer?.phone) ?? nonBlank(order.phone),
  };
}

function addressOf(order: ShopifyOrder): SparAddress {
  const address: ShopifyAddress | null | undefined = order.shipping_address;
  if (address === null || address === undefined) {
    throw new InvalidInputError(
      `order ${order.name}: no shipping address, so SPAR cannot be sent to the customer`,
    );
  }

  const line1 = nonBlank(address.address1);
  if (line1 === null)
    throw new InvalidInputError(`order ${order.name}: the shipping address has no street line`);

  const zip = normalizeZip(address.zip);
  if (zip === null)
    throw new InvalidInputError(`order ${order.name}: the shipping ZIP is missing or malformed`);

  const country = nonBlank(address.country_code)?.toUpperCase();
  if (country === undefined)
    throw new InvalidInputError(`order ${order.name}: the shipping address has no country code`);

  return {
    line1,
    line2: nonBlank(address.address2),
    city: nonBlank(address.city),
    state: nonBlank(address.province_code),
    zip,
    country,
  };
}

/** Formats an ISO 8601 timestamp as UTC to the second, the form SPAR's examples use: `2026-12-01T15:04:05Z`. */
function toUtcTimestamp(value: string, field: string): string {
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new InvalidInputError(`${field}: invalid timestamp`);
  return new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function joinName(
  first: string | null | undefined,
  last: string | null | undefined,
): string | null {
  const parts = [nonBlank(first), nonBlank(last)].filter((part) => part !== null);
  return parts.length === 0 ? null : parts.join(' ');
}

function nonBlank(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}
