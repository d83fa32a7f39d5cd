/**
 * Builders of realistic, minimal Shopify webhook bodies (Admin API 2026-10) for tests. The
 * shop, customer and products are invented. `*Json` builders return the body as Shopify
 * sends it (numeric ids); the others parse it through the service's own schemas, as the
 * pipeline does before it decides.
 */
import type { DecisionRules, OrderEvent } from '../../src/decision/types.js';
import type { Topic } from '../../src/shopify/topics.js';
import {
  type ShopifyFulfillment,
  type ShopifyOrder,
  fulfillmentSchema,
  orderSchema,
} from '../../src/shopify/webhookBodies.js';

export const testShop = 'maple-and-oak-furniture.myshopify.com';

/** The invented customer. Tests assert that none of this reaches an action or a log line. */
export const testCustomer = {
  firstName: 'Dana',
  lastName: 'Whitfield',
  email: 'dana.whitfield@example.com',
  phone: '+1 617-555-0142',
  address1: '41 Linden Street',
  address2: 'Apt 3',
} as const;

type Json = Record<string, unknown>;

export interface LineItemInput {
  id: number;
  sku: string | null;
  title: string;
  quantity?: number;
  /** Omit to leave `current_quantity` out of the body, as older payloads do. */
  currentQuantity?: number;
  fulfillmentStatus?: 'fulfilled' | 'partial' | null;
  price?: string;
}

export function lineItemJson(input: LineItemInput): Json {
  const quantity = input.quantity ?? 1;
  return {
    id: input.id,
    admin_graphql_api_id: `gid://shopify/LineItem/${input.id}`,
    variant_id: input.id + 1_000_000,
    product_id: input.id + 2_000_000,
    sku: input.sku,
    title: input.title,
    name: input.title,
    vendor: 'Maple & Oak',
    quantity,
    ...(input.currentQuantity === undefined ? {} : { current_quantity: input.currentQuantity }),
    fulfillable_quantity: input.fulfillmentStatus === 'fulfilled' ? 0 : quantity,
    fulfillment_status: input.fulfillmentStatus ?? null,
    requires_shipping: true,
    price: input.price ?? '499.00',
  };
}

export interface AddressInput {
  zip?: string | number | null;
  countryCode?: string | null;
  province?: string;
  city?: string;
}

export function addressJson(input: AddressInput = {}): Json {
  const countryCode = input.countryCode === undefined ? 'US' : input.countryCode;
  return {
    first_name: testCustomer.firstName,
    last_name: testCustomer.lastName,
    name: `${testCustomer.firstName} ${testCustomer.lastName}`,
    address1: testCustomer.address1,
    address2: testCustomer.address2,
    city: input.city ?? 'Boston',
    province: 'Massachusetts',
    province_code: input.province ?? 'MA',
    country: countryCode === 'US' ? 'United States' : countryCode,
    country_code: countryCode,
    zip: input.zip === undefined ? '02134' : input.zip,
    phone: testCustomer.phone,
  };
}

export interface FulfillmentInput {
  id: number;
  orderId?: number;
  /** Line item ids and the quantities this fulfillment shipped. */
  lines: { id: number; quantity: number; sku?: string | null }[];
  status?: 'success' | 'pending' | 'open' | 'cancelled' | 'error' | 'failure' | null;
  createdAt?: string;
  updatedAt?: string;
  trackingCompany?: string | null;
  trackingNumber?: string | null;
}

export function fulfillmentJson(input: FulfillmentInput): Json {
  const createdAt = input.createdAt ?? '2026-12-02T14:00:00-05:00';
  const trackingNumber =
    input.trackingNumber === undefined ? `1Z999AA1${input.id}` : input.trackingNumber;
  return {
    id: input.id,
    admin_graphql_api_id: `gid://shopify/Fulfillment/${input.id}`,
    order_id: input.orderId ?? defaultOrderId,
    status: input.status === undefined ? 'success' : input.status,
    created_at: createdAt,
    updated_at: input.updatedAt ?? createdAt,
    service: 'manual',
    shipment_status: null,
    tracking_company: input.trackingCompany === undefined ? 'UPS' : input.trackingCompany,
    tracking_number: trackingNumber,
    tracking_numbers: trackingNumber === null ? [] : [trackingNumber],
    line_items: input.lines.map((line) => ({
      id: line.id,
      admin_graphql_api_id: `gid://shopify/LineItem/${line.id}`,
      sku: line.sku ?? null,
      quantity: line.quantity,
    })),
  };
}

export function fulfillment(input: FulfillmentInput): ShopifyFulfillment {
  return fulfillmentSchema.parse(fulfillmentJson(input));
}

export interface RefundInput {
  id: number;
  lines: { lineItemId: number; quantity: number }[];
}

export interface OrderInput {
  id?: number;
  name?: string;
  updatedAt?: string;
  lineItems: LineItemInput[];
  /** Shipping address fields; `null` for an order without a shipping address. */
  address?: AddressInput | null;
  fulfillments?: FulfillmentInput[];
  refunds?: RefundInput[];
  cancelledAt?: string | null;
  cancelReason?: string | null;
}

const defaultOrderId = 5_550_001_001;

export function orderJson(input: OrderInput): Json {
  const id = input.id ?? defaultOrderId;
  const fulfillments = (input.fulfillments ?? []).map((f) =>
    fulfillmentJson({ orderId: id, ...f }),
  );
  return {
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    name: input.name ?? '#1001',
    order_number: 1001,
    email: testCustomer.email,
    phone: testCustomer.phone,
    created_at: '2026-12-01T09:30:00-05:00',
    updated_at: input.updatedAt ?? '2026-12-01T09:30:05-05:00',
    cancelled_at: input.cancelledAt ?? null,
    cancel_reason: input.cancelReason ?? null,
    currency: 'USD',
    financial_status: 'paid',
    fulfillment_status: null,
    total_price: '1148.00',
    customer: {
      id: 7_770_001,
      first_name: testCustomer.firstName,
      last_name: testCustomer.lastName,
      email: testCustomer.email,
      phone: testCustomer.phone,
    },
    shipping_address: input.address === null ? null : addressJson(input.address),
    line_items: input.lineItems.map(lineItemJson),
    fulfillments,
    refunds: (input.refunds ?? []).map((refund) => ({
      id: refund.id,
      order_id: id,
      created_at: '2026-12-01T12:00:00-05:00',
      refund_line_items: refund.lines.map((line, index) => ({
        id: refund.id * 10 + index,
        line_item_id: line.lineItemId,
        quantity: line.quantity,
        restock_type: 'cancel',
      })),
    })),
  };
}

export function order(input: OrderInput): ShopifyOrder {
  return orderSchema.parse(orderJson(input));
}

/** An event as the decision function receives it, for an order body. */
export function orderEvent(
  topic: Exclude<Topic, 'fulfillments/create' | 'app/uninstalled'>,
  input: OrderInput,
): OrderEvent {
  return { kind: 'order', topic, order: order(input) };
}

/** A `fulfillments/create` event. */
export function fulfillmentEvent(input: FulfillmentInput): OrderEvent {
  return { kind: 'fulfillment', topic: 'fulfillments/create', fulfillment: fulfillment(input) };
}

/** Rules as configured by default: every order announced, every cancel reason cancels the SPAR job. */
export const defaultRules: DecisionRules = { notifyNoAssembly: true, cancelReasons: null };

/** Invented products: assembly SKUs as the sample catalog spells them, and a lamp that is not one. */
export const products = {
  desk: { sku: 'DESK-72-ASM', title: '72in Standing Desk (with assembly)' },
  desk60: { sku: 'DESK-60-ASM', title: '60in Writing Desk (with assembly)' },
  chair: { sku: 'CHAIR-ERGO-ASM', title: 'Ergonomic Task Chair (with assembly)' },
  wardrobe: { sku: 'WARDROBE-2D-ASM', title: 'Two-Door Wardrobe (with assembly)' },
  lamp: { sku: 'LAMP-ARC-BRASS', title: 'Brass Arc Floor Lamp' },
} as const;
