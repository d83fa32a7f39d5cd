/**
 * Builds the demo fixtures: Shopify order lifecycles as Pub/Sub messages, one NDJSON file per
 * scenario under fixtures/messages/, plus the replay examples under fixtures/examples/.
 *
 * The bodies follow Shopify's order and fulfillment webhook payloads for Admin API 2026-10.
 * Every customer is invented: example.com emails, 555-01xx phone numbers and names that are
 * plainly fake. The output depends on nothing but this file (no clock, no randomness), so a
 * re-run writes identical bytes, and a unit test compares it with the committed files.
 *
 * Run with `npx tsx scripts/build-fixtures.ts`.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { format, resolveConfig } from 'prettier';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** One generated file. `path` is relative to the repository root, with `/` separators. */
export interface FixtureFile {
  path: string;
  content: string;
}

/** A Pub/Sub message as `gcloud` and the Node client print it. */
export interface PubSubMessage {
  data: string;
  attributes: Record<string, string>;
  messageId: string;
  publishTime: string;
}

export const fixtureShopDomain = 'example-furniture.myshopify.com';
export const fixtureApiVersion = '2026-10';

const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The shop's time zone is US Eastern, which is UTC-5 on every date used here (after 1 Nov 2026). */
const shopOffsetMs = -5 * 3600 * 1000;
const shopOffsetSuffix = '-05:00';

const locationId = 81204900001;
const staffUserId = 91204900001;

// Deterministic ids and times

function digest(seed: string): string {
  return createHash('sha256').update(seed).digest('hex');
}

/** Derives a UUID (version 4 layout) from `seed`, so that it is the same on every run. */
function uuidFrom(seed: string): string {
  const hex = digest(seed);
  const variant = ((parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    `4${hex.slice(13, 16)}`,
    `${variant}${hex.slice(17, 20)}`,
    hex.slice(20, 32),
  ].join('-');
}

function digitsFrom(seed: string, length: number): string {
  return BigInt(`0x${digest(seed)}`)
    .toString()
    .slice(0, length);
}

function lettersFrom(seed: string, length: number): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const hex = digest(seed);
  let letters = '';
  for (let i = 0; i < length; i++) {
    letters += alphabet.charAt(parseInt(hex.slice(i * 2, i * 2 + 2), 16) % alphabet.length);
  }
  return letters;
}

function addSeconds(utc: string, seconds: number): string {
  return new Date(Date.parse(utc) + seconds * 1000).toISOString();
}

function addHours(utc: string, hours: number): string {
  return addSeconds(utc, hours * 3600);
}

/** Formats a UTC instant the way Shopify writes timestamps: shop-local time with its offset. */
function shopTime(utc: string): string {
  const local = new Date(Date.parse(utc) + shopOffsetMs);
  return `${local.toISOString().slice(0, 19)}${shopOffsetSuffix}`;
}

// Money, in integer cents

function money(cents: number): string {
  const whole = Math.floor(cents / 100);
  const fraction = String(cents % 100).padStart(2, '0');
  return `${whole}.${fraction}`;
}

function moneySet(cents: number): JsonObject {
  return {
    shop_money: { amount: money(cents), currency_code: 'USD' },
    presentment_money: { amount: money(cents), currency_code: 'USD' },
  };
}

/** `rateMilliPercent` is in thousandths of a percent: 8875 is 8.875 %. */
function taxCents(cents: number, rateMilliPercent: number): number {
  return Math.round((cents * rateMilliPercent) / 100000);
}

// The invented shop's products. The `-ASM` SKUs are in fixtures/catalog/skus.csv.

interface Product {
  sku: string | null;
  title: string;
  variantTitle: string | null;
  priceCents: number;
  vendor: string;
  productId: number | null;
  variantId: number | null;
  grams: number;
  requiresShipping: boolean;
}

const products = {
  desk72: {
    sku: 'DESK-72-ASM',
    title: 'Walnut Standing Desk 72"',
    variantTitle: 'With assembly',
    priceCents: 124900,
    vendor: 'Northwind Workshop',
    productId: 9012049000011,
    variantId: 49012049000111,
    grams: 52000,
    requiresShipping: true,
  },
  desk60: {
    sku: 'DESK-60-ASM',
    title: 'Walnut Standing Desk 60"',
    variantTitle: 'With assembly',
    priceCents: 104900,
    vendor: 'Northwind Workshop',
    productId: 9012049000012,
    variantId: 49012049000121,
    grams: 46000,
    requiresShipping: true,
  },
  chair: {
    sku: 'CHAIR-ERGO-ASM',
    title: 'Ergonomic Task Chair',
    variantTitle: 'Graphite / With assembly',
    priceCents: 38900,
    vendor: 'Sitwell Seating',
    productId: 9012049000013,
    variantId: 49012049000131,
    grams: 19000,
    requiresShipping: true,
  },
  wardrobe: {
    sku: 'WARDROBE-2D-ASM',
    title: 'Two-Door Oak Wardrobe',
    variantTitle: 'With assembly',
    priceCents: 189900,
    vendor: 'Northwind Workshop',
    productId: 9012049000014,
    variantId: 49012049000141,
    grams: 98000,
    requiresShipping: true,
  },
  bed: {
    sku: 'BED-QUEEN-ASM',
    title: 'Platform Bed',
    variantTitle: 'Queen / With assembly',
    priceCents: 139900,
    vendor: 'Northwind Workshop',
    productId: 9012049000015,
    variantId: 49012049000151,
    grams: 71000,
    requiresShipping: true,
  },
  lamp: {
    sku: 'LAMP-ARC-BRASS',
    title: 'Brass Arc Floor Lamp',
    variantTitle: null,
    priceCents: 22900,
    vendor: 'Lumen & Co',
    productId: 9012049000021,
    variantId: 49012049000211,
    grams: 8000,
    requiresShipping: true,
  },
  rug: {
    sku: 'RUG-WOOL-8X10',
    title: 'Hand-Tufted Wool Rug',
    variantTitle: "8' x 10'",
    priceCents: 64900,
    vendor: 'Lumen & Co',
    productId: 9012049000022,
    variantId: 49012049000221,
    grams: 14000,
    requiresShipping: true,
  },
  cableTray: {
    sku: '',
    title: 'Under-Desk Cable Tray',
    variantTitle: null,
    priceCents: 3900,
    vendor: 'Northwind Workshop',
    productId: 9012049000023,
    variantId: 49012049000231,
    grams: 1200,
    requiresShipping: true,
  },
  giftWrap: {
    sku: null,
    title: 'Gift wrapping',
    variantTitle: null,
    priceCents: 1500,
    vendor: 'example-furniture',
    productId: null,
    variantId: null,
    grams: 0,
    requiresShipping: false,
  },
} satisfies Record<string, Product>;

// Invented customers and addresses

interface Person {
  customerId: number;
  firstName: string;
  lastName: string;
  email: string;
  /** E.164, in the 555-0100 to 555-0199 range that is reserved for fiction. */
  phone: string;
}

interface Place {
  address1: string;
  address2: string | null;
  city: string;
  province: string;
  provinceCode: string;
  /** As the body carries it: usually a string, a JSON number for the leading-zero case. */
  zip: string | number;
  countryCode: string;
  country: string;
  areaCode: string;
  salesTaxMilliPercent: number;
}

function person(index: number, firstName: string, lastName: string, areaCode: string): Person {
  return {
    customerId: 7812049000000 + index,
    firstName,
    lastName,
    email: `${firstName}.${lastName}@example.com`.toLowerCase(),
    phone: `+1${areaCode}5550${String(100 + index).slice(-3)}`,
  };
}

function usPlace(
  address1: string,
  address2: string | null,
  city: string,
  province: [name: string, code: string],
  zip: string | number,
  areaCode: string,
  salesTaxMilliPercent: number,
): Place {
  return {
    address1,
    address2,
    city,
    province: province[0],
    provinceCode: province[1],
    zip,
    countryCode: 'US',
    country: 'United States',
    areaCode,
    salesTaxMilliPercent,
  };
}

const massachusetts: [string, string] = ['Massachusetts', 'MA'];
const newYork: [string, string] = ['New York', 'NY'];
const illinois: [string, string] = ['Illinois', 'IL'];
const texas: [string, string] = ['Texas', 'TX'];
const california: [string, string] = ['California', 'CA'];

// Orders and their lifecycle snapshots

interface LineSpec {
  product: Product;
  quantity: number;
  /** Replaces the product's SKU on this line, to model SKUs typed with stray case or spaces. */
  sku?: string | null;
}

interface OrderSpec {
  number: number;
  customer: Person;
  place: Place;
  lines: LineSpec[];
  /** UTC instant of checkout. */
  createdAt: string;
}

/** One shipment: which lines (by index in `OrderSpec.lines`) and how many units. */
interface Shipment {
  sequence: number;
  at: string;
  items: { line: number; quantity: number }[];
  carrier: 'UPS' | 'FedEx';
}

/** The state of an order at one instant, from which an order webhook body is built. */
interface Stage {
  updatedAt: string;
  shipments: Shipment[];
  /** Set once the order is cancelled; its shipments are then shown as cancelled. */
  cancellation?: { at: string; reason: string };
}

function orderId(spec: OrderSpec): number {
  return 6512049000000 + spec.number;
}

function lineItemId(spec: OrderSpec, line: number): number {
  return 16012049000000 + spec.number * 100 + line + 1;
}

function fulfillmentId(spec: OrderSpec, shipment: Shipment): number {
  return 5702049000000 + spec.number * 10 + shipment.sequence;
}

function orderName(spec: OrderSpec): string {
  return `#${spec.number}`;
}

function trackingNumber(spec: OrderSpec, shipment: Shipment): string {
  const digits = String(spec.number * 10 + shipment.sequence).padStart(8, '0');
  return shipment.carrier === 'UPS' ? `1Z999AA1${digits}` : `7700${digits}`;
}

function trackingUrl(carrier: Shipment['carrier'], number: string): string {
  return carrier === 'UPS'
    ? `https://www.ups.com/WebTracking?loc=en_US&requester=ST&trackNums=${number}`
    : `https://www.fedex.com/fedextrack/?trknbr=${number}`;
}

function addressJson(spec: OrderSpec): JsonObject {
  const { customer, place } = spec;
  return {
    first_name: customer.firstName,
    address1: place.address1,
    phone: customer.phone,
    city: place.city,
    zip: place.zip,
    province: place.province,
    country: place.country,
    last_name: customer.lastName,
    address2: place.address2,
    company: null,
    latitude: null,
    longitude: null,
    name: `${customer.firstName} ${customer.lastName}`,
    country_code: place.countryCode,
    province_code: place.provinceCode,
  };
}

function customerJson(spec: OrderSpec): JsonObject {
  const { customer } = spec;
  const since = shopTime(addHours(spec.createdAt, -24));
  return {
    id: customer.customerId,
    email: customer.email,
    created_at: since,
    updated_at: shopTime(spec.createdAt),
    first_name: customer.firstName,
    last_name: customer.lastName,
    state: 'disabled',
    note: null,
    verified_email: true,
    multipass_identifier: null,
    tax_exempt: false,
    phone: customer.phone,
    email_marketing_consent: {
      state: 'not_subscribed',
      opt_in_level: 'single_opt_in',
      consent_updated_at: null,
    },
    sms_marketing_consent: null,
    tags: '',
    currency: 'USD',
    tax_exemptions: [],
    admin_graphql_api_id: `gid://shopify/Customer/${customer.customerId}`,
    default_address: {
      id: customer.customerId + 1000000000,
      customer_id: customer.customerId,
      ...addressJson(spec),
      country_name: spec.place.country,
      default: true,
    },
  };
}

function shippedQuantity(shipments: Shipment[], line: number): number {
  let total = 0;
  for (const shipment of shipments) {
    for (const item of shipment.items) {
      if (item.line === line) total += item.quantity;
    }
  }
  return total;
}

/** Builds the line item as a body shows it. A fulfillment passes the `quantity` it shipped. */
function lineItemJson(spec: OrderSpec, line: number, stage: Stage, quantity?: number): JsonObject {
  const lineSpec = spec.lines[line];
  if (lineSpec === undefined) throw new Error(`order ${orderName(spec)} has no line ${line}`);

  const { product } = lineSpec;
  const shipped = stage.cancellation ? 0 : shippedQuantity(stage.shipments, line);
  const current = stage.cancellation ? 0 : lineSpec.quantity;
  const tax = taxCents(product.priceCents * lineSpec.quantity, spec.place.salesTaxMilliPercent);
  let status: string | null = null;
  if (current > 0 && shipped >= current) status = 'fulfilled';
  else if (shipped > 0) status = 'partial';

  const id = lineItemId(spec, line);
  return {
    id,
    admin_graphql_api_id: `gid://shopify/LineItem/${id}`,
    attributed_staffs: [],
    current_quantity: current,
    fulfillable_quantity: Math.max(0, current - shipped),
    fulfillment_service: 'manual',
    fulfillment_status: status,
    gift_card: false,
    grams: product.grams,
    name:
      product.variantTitle === null ? product.title : `${product.title} - ${product.variantTitle}`,
    price: money(product.priceCents),
    price_set: moneySet(product.priceCents),
    product_exists: product.productId !== null,
    product_id: product.productId,
    properties: [],
    quantity: quantity ?? lineSpec.quantity,
    requires_shipping: product.requiresShipping,
    sales_line_item_group_id: null,
    sku: lineSpec.sku === undefined ? product.sku : lineSpec.sku,
    taxable: true,
    title: product.title,
    total_discount: '0.00',
    total_discount_set: moneySet(0),
    variant_id: product.variantId,
    variant_inventory_management: product.productId === null ? null : 'shopify',
    variant_title: product.variantTitle,
    vendor: product.vendor,
    tax_lines: [
      {
        channel_liable: false,
        price: money(tax),
        price_set: moneySet(tax),
        rate: spec.place.salesTaxMilliPercent / 100000,
        title: `${spec.place.provinceCode} State Tax`,
      },
    ],
    duties: [],
    discount_allocations: [],
  };
}

/** Builds the fulfillment object that order bodies list and `fulfillments/create` sends. */
function fulfillmentJson(spec: OrderSpec, shipment: Shipment, stage: Stage): JsonObject {
  const id = fulfillmentId(spec, shipment);
  const tracking = trackingNumber(spec, shipment);
  const url = trackingUrl(shipment.carrier, tracking);
  const status = stage.cancellation ? 'cancelled' : 'success';
  const updatedAt = stage.cancellation ? stage.cancellation.at : shipment.at;
  return {
    id,
    admin_graphql_api_id: `gid://shopify/Fulfillment/${id}`,
    created_at: shopTime(shipment.at),
    location_id: locationId,
    name: `${orderName(spec)}.${shipment.sequence}`,
    order_id: orderId(spec),
    origin_address: {},
    receipt: {},
    service: 'manual',
    shipment_status: null,
    status,
    tracking_company: shipment.carrier,
    tracking_number: tracking,
    tracking_numbers: [tracking],
    tracking_url: url,
    tracking_urls: [url],
    updated_at: shopTime(updatedAt),
    line_items: shipment.items.map((item) => lineItemJson(spec, item.line, stage, item.quantity)),
  };
}

function fulfillmentBody(spec: OrderSpec, shipment: Shipment): JsonObject {
  const stage: Stage = { updatedAt: shipment.at, shipments: [shipment] };
  return {
    ...fulfillmentJson(spec, shipment, stage),
    email: spec.customer.email,
    destination: addressJson(spec),
  };
}

interface OrderTotals {
  subtotalCents: number;
  taxCents: number;
  totalCents: number;
  grams: number;
}

function orderTotals(spec: OrderSpec, cancelled: boolean): OrderTotals {
  let subtotal = 0;
  let tax = 0;
  let grams = 0;
  for (const line of spec.lines) {
    const quantity = cancelled ? 0 : line.quantity;
    subtotal += line.product.priceCents * quantity;
    tax += taxCents(line.product.priceCents * quantity, spec.place.salesTaxMilliPercent);
    grams += line.product.grams * quantity;
  }
  return { subtotalCents: subtotal, taxCents: tax, totalCents: subtotal + tax, grams };
}

function refundJson(spec: OrderSpec, cancellation: { at: string }): JsonObject {
  const id = 1012049000000 + spec.number;
  const total = orderTotals(spec, false).totalCents;
  return {
    id,
    admin_graphql_api_id: `gid://shopify/Refund/${id}`,
    created_at: shopTime(cancellation.at),
    note: 'Order canceled',
    order_id: orderId(spec),
    processed_at: shopTime(cancellation.at),
    restock: true,
    total_duties_set: moneySet(0),
    user_id: staffUserId,
    order_adjustments: [],
    transactions: [
      {
        id: 8012049000000 + spec.number,
        admin_graphql_api_id: `gid://shopify/OrderTransaction/${8012049000000 + spec.number}`,
        amount: money(total),
        authorization: null,
        created_at: shopTime(cancellation.at),
        currency: 'USD',
        error_code: null,
        gateway: 'shopify_payments',
        kind: 'refund',
        order_id: orderId(spec),
        parent_id: 8012049100000 + spec.number,
        processed_at: shopTime(cancellation.at),
        source_name: 'web',
        status: 'success',
        test: false,
      },
    ],
    refund_line_items: spec.lines.map((line, index) => {
      const subtotal = line.product.priceCents * line.quantity;
      const tax = taxCents(subtotal, spec.place.salesTaxMilliPercent);
      return {
        id: 3012049000000 + spec.number * 100 + index,
        line_item_id: lineItemId(spec, index),
        location_id: locationId,
        quantity: line.quantity,
        restock_type: 'cancel',
        subtotal: subtotal / 100,
        subtotal_set: moneySet(subtotal),
        total_tax: tax / 100,
        total_tax_set: moneySet(tax),
      };
    }),
  };
}

function orderFulfillmentStatus(spec: OrderSpec, stage: Stage): string | null {
  if (stage.cancellation) return null;

  const shipped = spec.lines.map((line, index) =>
    Math.min(line.quantity, shippedQuantity(stage.shipments, index)),
  );
  const shippedTotal = shipped.reduce((sum, quantity) => sum + quantity, 0);
  const orderedTotal = spec.lines.reduce((sum, line) => sum + line.quantity, 0);
  if (shippedTotal === 0) return null;
  return shippedTotal === orderedTotal ? 'fulfilled' : 'partial';
}

/** Builds the order webhook body at one stage of its lifecycle. */
function orderBody(spec: OrderSpec, stage: Stage): JsonObject {
  const id = orderId(spec);
  const token = digest(`token:${spec.number}`).slice(0, 32);
  const ordered = orderTotals(spec, false);
  const current = stage.cancellation ? orderTotals(spec, true) : ordered;
  const cancellation = stage.cancellation ?? null;
  return {
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    app_id: 580111,
    buyer_accepts_marketing: false,
    cancel_reason: cancellation?.reason ?? null,
    cancelled_at: cancellation ? shopTime(cancellation.at) : null,
    cart_token: null,
    checkout_id: 3712049000000 + spec.number,
    checkout_token: digest(`checkout:${spec.number}`).slice(0, 32),
    closed_at: null,
    confirmation_number: lettersFrom(`confirmation:${spec.number}`, 9),
    confirmed: true,
    contact_email: spec.customer.email,
    created_at: shopTime(spec.createdAt),
    currency: 'USD',
    current_subtotal_price: money(current.subtotalCents),
    current_subtotal_price_set: moneySet(current.subtotalCents),
    current_total_discounts: '0.00',
    current_total_discounts_set: moneySet(0),
    current_total_price: money(current.totalCents),
    current_total_price_set: moneySet(current.totalCents),
    current_total_tax: money(current.taxCents),
    current_total_tax_set: moneySet(current.taxCents),
    customer_locale: 'en-US',
    discount_codes: [],
    email: spec.customer.email,
    estimated_taxes: false,
    financial_status: cancellation ? 'refunded' : 'paid',
    fulfillment_status: orderFulfillmentStatus(spec, stage),
    landing_site: '/',
    name: orderName(spec),
    note: null,
    note_attributes: [],
    number: spec.number - 1000,
    order_number: spec.number,
    order_status_url: `https://${fixtureShopDomain}/81204900/orders/${token}/authenticate?key=${digest(`key:${spec.number}`).slice(0, 32)}`,
    payment_gateway_names: ['shopify_payments'],
    phone: spec.customer.phone,
    po_number: null,
    presentment_currency: 'USD',
    processed_at: shopTime(spec.createdAt),
    reference: null,
    referring_site: null,
    source_identifier: null,
    source_name: 'web',
    source_url: null,
    subtotal_price: money(ordered.subtotalCents),
    subtotal_price_set: moneySet(ordered.subtotalCents),
    tags: '',
    tax_exempt: false,
    tax_lines: [
      {
        price: money(ordered.taxCents),
        rate: spec.place.salesTaxMilliPercent / 100000,
        title: `${spec.place.provinceCode} State Tax`,
        price_set: moneySet(ordered.taxCents),
        channel_liable: false,
      },
    ],
    taxes_included: false,
    test: false,
    token,
    total_discounts: '0.00',
    total_discounts_set: moneySet(0),
    total_line_items_price: money(ordered.subtotalCents),
    total_line_items_price_set: moneySet(ordered.subtotalCents),
    total_outstanding: '0.00',
    total_price: money(ordered.totalCents),
    total_price_set: moneySet(ordered.totalCents),
    total_shipping_price_set: moneySet(0),
    total_tax: money(ordered.taxCents),
    total_tax_set: moneySet(ordered.taxCents),
    total_tip_received: '0.00',
    total_weight: ordered.grams,
    updated_at: shopTime(stage.updatedAt),
    user_id: null,
    billing_address: addressJson(spec),
    customer: customerJson(spec),
    discount_applications: [],
    fulfillments: stage.shipments.map((shipment) => fulfillmentJson(spec, shipment, stage)),
    line_items: spec.lines.map((_line, index) => lineItemJson(spec, index, stage)),
    payment_terms: null,
    refunds: cancellation ? [refundJson(spec, cancellation)] : [],
    shipping_address: addressJson(spec),
    shipping_lines: [
      {
        id: 4412049000000 + spec.number,
        carrier_identifier: null,
        code: 'White-glove delivery',
        discounted_price: '0.00',
        discounted_price_set: moneySet(0),
        is_removed: false,
        phone: null,
        price: '0.00',
        price_set: moneySet(0),
        requested_fulfillment_service_id: null,
        source: 'shopify',
        title: 'White-glove delivery',
        tax_lines: [],
        discount_allocations: [],
      },
    ],
  };
}

// Webhooks and their Pub/Sub deliveries

/** One webhook as Shopify sends it. Retries of the same webhook keep its id and headers. */
interface Webhook {
  topic: string;
  /** The message data before base64: normally JSON, deliberately broken in one fixture. */
  payload: string;
  /** UTC instant of the event that triggered the webhook. */
  triggeredAt: string;
  webhookId: string;
  eventId: string;
}

function webhook(
  topic: string,
  body: JsonObject | string,
  triggeredAt: string,
  seed: string,
): Webhook {
  return {
    topic,
    payload: typeof body === 'string' ? body : JSON.stringify(body),
    triggeredAt,
    webhookId: uuidFrom(`webhook:${seed}`),
    eventId: uuidFrom(`event:${seed}`),
  };
}

/** Builds the webhook for an order topic, triggered one second after the snapshot's `updated_at`. */
function orderWebhook(topic: string, spec: OrderSpec, stage: Stage): Webhook {
  const seed = `${orderName(spec)} ${topic} ${stage.updatedAt}`;
  return webhook(topic, orderBody(spec, stage), addSeconds(stage.updatedAt, 1), seed);
}

function fulfillmentWebhook(spec: OrderSpec, shipment: Shipment): Webhook {
  const seed = `${orderName(spec)} fulfillments/create ${shipment.at}`;
  return webhook(
    'fulfillments/create',
    fulfillmentBody(spec, shipment),
    addSeconds(shipment.at, 1),
    seed,
  );
}

/** Collects one scenario's messages in delivery order and numbers their Pub/Sub message ids. */
class Delivery {
  readonly messages: PubSubMessage[] = [];

  constructor(
    private readonly scenario: number,
    private readonly lowerCaseAttributes = false,
  ) {}

  /**
   * Adds `hook` as the next message. `publishDelaySeconds` is the time between the trigger and
   * the Pub/Sub publish, so a Shopify retry of the same webhook passes a longer delay.
   */
  deliver(hook: Webhook, publishDelaySeconds = 1.25): this {
    const sequence = this.messages.length + 1;
    const headers: [string, string][] = [
      ['X-Shopify-Topic', hook.topic],
      ['X-Shopify-Shop-Domain', fixtureShopDomain],
      ['X-Shopify-Webhook-Id', hook.webhookId],
      ['X-Shopify-Event-Id', hook.eventId],
      [
        'X-Shopify-Triggered-At',
        `${hook.triggeredAt.slice(0, 19)}.${digitsFrom(hook.webhookId, 9)}Z`,
      ],
      ['X-Shopify-API-Version', fixtureApiVersion],
    ];
    const attributes: Record<string, string> = {};
    for (const [name, value] of headers) {
      attributes[this.lowerCaseAttributes ? name.toLowerCase() : name] = value;
    }

    this.messages.push({
      data: Buffer.from(hook.payload, 'utf8').toString('base64'),
      attributes,
      messageId: `170120490${String(this.scenario).padStart(2, '0')}${String(sequence).padStart(6, '0')}`,
      publishTime: addSeconds(hook.triggeredAt, publishDelaySeconds),
    });
    return this;
  }
}

// Scenarios

interface Scenario {
  file: string;
  messages: PubSubMessage[];
}

const boston = (address1: string, zip: string | number): Place =>
  usPlace(address1, null, 'Boston', massachusetts, zip, '617', 6250);
const cambridge = (address1: string, zip: string): Place =>
  usPlace(address1, null, 'Cambridge', massachusetts, zip, '617', 6250);
const manhattan = (address1: string, address2: string, zip: string): Place =>
  usPlace(address1, address2, 'New York', newYork, zip, '212', 8875);

/** Builds create → fulfilled for one desk in a covered ZIP, posted on fulfilment. */
function singleLeg(): Scenario {
  const spec: OrderSpec = {
    number: 1001,
    customer: person(1, 'Ada', 'Placeholder', '617'),
    place: boston('100 Example Street', '02134'),
    lines: [{ product: products.desk72, quantity: 1 }],
    createdAt: '2026-11-02T15:04:21Z',
  };
  const shipment: Shipment = {
    sequence: 1,
    at: addHours(spec.createdAt, 26),
    items: [{ line: 0, quantity: 1 }],
    carrier: 'UPS',
  };

  const delivery = new Delivery(1)
    .deliver(
      orderWebhook('orders/create', spec, {
        updatedAt: addSeconds(spec.createdAt, 1),
        shipments: [],
      }),
    )
    .deliver(
      orderWebhook('orders/fulfilled', spec, {
        updatedAt: addSeconds(shipment.at, 2),
        shipments: [shipment],
      }),
    );
  return { file: '01-single-leg.ndjson', messages: delivery.messages };
}

/** Builds a desk, two chairs and a lamp shipped in two parts: partial, then full fulfilment. */
function severalLegs(): Scenario {
  const spec: OrderSpec = {
    number: 1002,
    customer: person(2, 'Bram', 'Testwell', '212'),
    place: manhattan('200 Sample Avenue', 'Apt 4B', '10011'),
    lines: [
      { product: products.desk60, quantity: 1 },
      { product: products.chair, quantity: 2 },
      { product: products.lamp, quantity: 1 },
    ],
    createdAt: '2026-11-03T14:41:09Z',
  };
  const desk: Shipment = {
    sequence: 1,
    at: addHours(spec.createdAt, 20),
    items: [{ line: 0, quantity: 1 }],
    carrier: 'UPS',
  };
  const rest: Shipment = {
    sequence: 2,
    at: addHours(spec.createdAt, 50),
    items: [
      { line: 1, quantity: 2 },
      { line: 2, quantity: 1 },
    ],
    carrier: 'FedEx',
  };

  const delivery = new Delivery(2)
    .deliver(
      orderWebhook('orders/create', spec, {
        updatedAt: addSeconds(spec.createdAt, 1),
        shipments: [],
      }),
    )
    .deliver(
      orderWebhook('orders/partially_fulfilled', spec, {
        updatedAt: addSeconds(desk.at, 2),
        shipments: [desk],
      }),
    )
    .deliver(fulfillmentWebhook(spec, rest))
    .deliver(
      orderWebhook('orders/fulfilled', spec, {
        updatedAt: addSeconds(rest.at, 2),
        shipments: [desk, rest],
      }),
    );
  return { file: '02-several-legs.ndjson', messages: delivery.messages };
}

/** Builds a wardrobe that ships while the lamp is backordered, so every leg is fulfilled and posted. */
function backorderedLamp(): Scenario {
  const spec: OrderSpec = {
    number: 1003,
    customer: person(3, 'Cora', 'Fakename', '312'),
    place: usPlace('300 Placeholder Lane', null, 'Chicago', illinois, '60614', '312', 10250),
    lines: [
      { product: products.wardrobe, quantity: 1 },
      { product: products.lamp, quantity: 1 },
    ],
    createdAt: '2026-11-04T16:12:45Z',
  };
  const wardrobe: Shipment = {
    sequence: 1,
    at: addHours(spec.createdAt, 30),
    items: [{ line: 0, quantity: 1 }],
    carrier: 'UPS',
  };

  const delivery = new Delivery(3)
    .deliver(
      orderWebhook('orders/create', spec, {
        updatedAt: addSeconds(spec.createdAt, 1),
        shipments: [],
      }),
    )
    .deliver(
      orderWebhook('orders/partially_fulfilled', spec, {
        updatedAt: addSeconds(wardrobe.at, 2),
        shipments: [wardrobe],
      }),
    );
  return { file: '03-backordered-lamp.ndjson', messages: delivery.messages };
}

/** Builds a bed shipped to ZIP 73301, which SPAR does not cover: alerted once, never posted. */
function outsideCoverage(): Scenario {
  const spec: OrderSpec = {
    number: 1004,
    customer: person(4, 'Dev', 'Sampleton', '512'),
    place: usPlace('400 Fictional Road', null, 'Austin', texas, '73301', '512', 8250),
    lines: [{ product: products.bed, quantity: 1 }],
    createdAt: '2026-11-05T13:30:02Z',
  };
  const shipment: Shipment = {
    sequence: 1,
    at: addHours(spec.createdAt, 28),
    items: [{ line: 0, quantity: 1 }],
    carrier: 'FedEx',
  };

  const delivery = new Delivery(4)
    .deliver(
      orderWebhook('orders/create', spec, {
        updatedAt: addSeconds(spec.createdAt, 1),
        shipments: [],
      }),
    )
    .deliver(
      orderWebhook('orders/fulfilled', spec, {
        updatedAt: addSeconds(shipment.at, 2),
        shipments: [shipment],
      }),
    );
  return { file: '04-outside-coverage.ndjson', messages: delivery.messages };
}

/**
 * Builds two orders, one with a ZIP+4 and one with the ZIP as the JSON number 2134. The
 * attribute names are lower case here, so the service must read them case-insensitively.
 */
function zipFormats(): Scenario {
  const zipPlusFour: OrderSpec = {
    number: 1005,
    customer: person(5, 'Eve', 'Fixture', '617'),
    place: boston('500 Example Street', '02134-1234'),
    lines: [{ product: products.chair, quantity: 1 }],
    createdAt: '2026-11-06T15:20:00Z',
  };
  const zipNumber: OrderSpec = {
    number: 1006,
    customer: person(6, 'Finn', 'Dummy', '617'),
    place: boston('501 Example Street', 2134),
    lines: [{ product: products.desk72, quantity: 1 }],
    createdAt: '2026-11-07T17:45:30Z',
  };

  const delivery = new Delivery(5, true);
  for (const spec of [zipPlusFour, zipNumber]) {
    const shipment: Shipment = {
      sequence: 1,
      at: addHours(spec.createdAt, 22),
      items: [{ line: 0, quantity: 1 }],
      carrier: 'UPS',
    };
    delivery
      .deliver(
        orderWebhook('orders/create', spec, {
          updatedAt: addSeconds(spec.createdAt, 1),
          shipments: [],
        }),
      )
      .deliver(
        orderWebhook('orders/fulfilled', spec, {
          updatedAt: addSeconds(shipment.at, 2),
          shipments: [shipment],
        }),
      );
  }
  return { file: '05-zip-formats.ndjson', messages: delivery.messages };
}

/** Builds an order of a lamp and a rug, with nothing to assemble. */
function noAssembly(): Scenario {
  const spec: OrderSpec = {
    number: 1007,
    customer: person(7, 'Gus', 'Mockley', '617'),
    place: cambridge('600 Demo Drive', '02139'),
    lines: [
      { product: products.lamp, quantity: 1 },
      { product: products.rug, quantity: 1 },
    ],
    createdAt: '2026-11-08T19:02:11Z',
  };
  const shipment: Shipment = {
    sequence: 1,
    at: addHours(spec.createdAt, 18),
    items: [
      { line: 0, quantity: 1 },
      { line: 1, quantity: 1 },
    ],
    carrier: 'UPS',
  };

  const delivery = new Delivery(6)
    .deliver(
      orderWebhook('orders/create', spec, {
        updatedAt: addSeconds(spec.createdAt, 1),
        shipments: [],
      }),
    )
    .deliver(
      orderWebhook('orders/fulfilled', spec, {
        updatedAt: addSeconds(shipment.at, 2),
        shipments: [shipment],
      }),
    );
  return { file: '06-no-assembly.ndjson', messages: delivery.messages };
}

/**
 * Builds a desk that shipped, then was cancelled by the customer together with its fulfilment.
 * The `orders/fulfilled` webhook is delivered after the cancellation, and its older snapshot
 * must not post.
 */
function cancelBeforePosting(): Scenario {
  const spec: OrderSpec = {
    number: 1008,
    customer: person(8, 'Hana', 'Notreal', '212'),
    place: manhattan('700 Mock Boulevard', 'Floor 3', '10001'),
    lines: [{ product: products.desk60, quantity: 1 }],
    createdAt: '2026-11-09T15:00:00Z',
  };
  const shipment: Shipment = {
    sequence: 1,
    at: addHours(spec.createdAt, 6),
    items: [{ line: 0, quantity: 1 }],
    carrier: 'UPS',
  };
  const cancellation = { at: addHours(spec.createdAt, 9), reason: 'customer' };

  const fulfilled = orderWebhook('orders/fulfilled', spec, {
    updatedAt: addSeconds(shipment.at, 2),
    shipments: [shipment],
  });
  const cancelled = orderWebhook('orders/cancelled', spec, {
    updatedAt: addSeconds(cancellation.at, 3),
    shipments: [shipment],
    cancellation,
  });
  const delivery = new Delivery(7)
    .deliver(
      orderWebhook('orders/create', spec, {
        updatedAt: addSeconds(spec.createdAt, 1),
        shipments: [],
      }),
    )
    .deliver(cancelled)
    .deliver(fulfilled);
  return { file: '07-cancel-before-posting.ndjson', messages: delivery.messages };
}

/** Builds two chairs posted to SPAR and then cancelled by the customer. */
function cancelAfterPosting(): Scenario {
  const spec: OrderSpec = {
    number: 1009,
    customer: person(9, 'Ivy', 'Exampleton', '617'),
    place: cambridge('800 Testing Terrace', '02138'),
    lines: [{ product: products.chair, quantity: 2 }],
    createdAt: '2026-11-10T16:30:40Z',
  };
  const shipment: Shipment = {
    sequence: 1,
    at: addHours(spec.createdAt, 24),
    items: [{ line: 0, quantity: 2 }],
    carrier: 'UPS',
  };
  const cancellation = { at: addHours(spec.createdAt, 72), reason: 'customer' };

  const delivery = new Delivery(8)
    .deliver(
      orderWebhook('orders/create', spec, {
        updatedAt: addSeconds(spec.createdAt, 1),
        shipments: [],
      }),
    )
    .deliver(
      orderWebhook('orders/fulfilled', spec, {
        updatedAt: addSeconds(shipment.at, 2),
        shipments: [shipment],
      }),
    )
    .deliver(
      orderWebhook('orders/cancelled', spec, {
        updatedAt: addSeconds(cancellation.at, 3),
        shipments: [shipment],
        cancellation,
      }),
    );
  return { file: '08-cancel-after-posting.ndjson', messages: delivery.messages };
}

/** Builds a Shopify retry of `orders/fulfilled`: the same webhook id in a new Pub/Sub message. */
function duplicateDelivery(): Scenario {
  const spec: OrderSpec = {
    number: 1010,
    customer: person(10, 'Jon', 'Doedemo', '415'),
    place: usPlace('900 Sample Street', null, 'San Francisco', california, '94103', '415', 8625),
    lines: [{ product: products.desk72, quantity: 1 }],
    createdAt: '2026-11-11T20:15:55Z',
  };
  const shipment: Shipment = {
    sequence: 1,
    at: addHours(spec.createdAt, 30),
    items: [{ line: 0, quantity: 1 }],
    carrier: 'UPS',
  };
  const fulfilled = orderWebhook('orders/fulfilled', spec, {
    updatedAt: addSeconds(shipment.at, 2),
    shipments: [shipment],
  });

  const delivery = new Delivery(9)
    .deliver(
      orderWebhook('orders/create', spec, {
        updatedAt: addSeconds(spec.createdAt, 1),
        shipments: [],
      }),
    )
    .deliver(fulfilled)
    .deliver(fulfilled, 300);
  return { file: '09-duplicate-delivery.ndjson', messages: delivery.messages };
}

/**
 * Builds a lifecycle delivered out of order: `orders/fulfilled` before `orders/create`, and
 * the older `orders/partially_fulfilled` snapshot last.
 */
function outOfOrder(): Scenario {
  const spec: OrderSpec = {
    number: 1011,
    customer: person(11, 'Kit', 'Stubbs', '617'),
    place: boston('1000 Fixture Way', '02135'),
    lines: [
      { product: products.desk72, quantity: 1 },
      { product: products.chair, quantity: 1 },
    ],
    createdAt: '2026-11-12T14:08:19Z',
  };
  const desk: Shipment = {
    sequence: 1,
    at: addHours(spec.createdAt, 20),
    items: [{ line: 0, quantity: 1 }],
    carrier: 'UPS',
  };
  const chair: Shipment = {
    sequence: 2,
    at: addHours(spec.createdAt, 44),
    items: [{ line: 1, quantity: 1 }],
    carrier: 'UPS',
  };

  const created = orderWebhook('orders/create', spec, {
    updatedAt: addSeconds(spec.createdAt, 1),
    shipments: [],
  });
  const partial = orderWebhook('orders/partially_fulfilled', spec, {
    updatedAt: addSeconds(desk.at, 2),
    shipments: [desk],
  });
  const fulfilled = orderWebhook('orders/fulfilled', spec, {
    updatedAt: addSeconds(chair.at, 2),
    shipments: [desk, chair],
  });
  const delivery = new Delivery(10).deliver(fulfilled).deliver(created).deliver(partial);
  return { file: '10-out-of-order.ndjson', messages: delivery.messages };
}

/** Builds messages the service must reject (not JSON, a missing field, a wrong type) or ignore. */
function malformed(): Scenario {
  const place = manhattan('1100 Broken Street', 'Suite 1', '10001');
  const base = (number: number, customer: Person, createdAt: string): OrderSpec => ({
    number,
    customer,
    place,
    lines: [{ product: products.desk72, quantity: 1 }],
    createdAt,
  });
  const notJson = base(1012, person(12, 'Lou', 'Pretend', '212'), '2026-11-13T15:00:00Z');
  const missingLineItems = base(1013, person(13, 'Mia', 'Madeup', '212'), '2026-11-13T15:10:00Z');
  const wrongType = base(1014, person(14, 'Ned', 'Fictitious', '212'), '2026-11-13T15:20:00Z');
  const created = (spec: OrderSpec): JsonObject =>
    orderBody(spec, { updatedAt: addSeconds(spec.createdAt, 1), shipments: [] });

  // A body cut off mid-way, as a broken proxy or a hand-edited replay file produces.
  const truncated = JSON.stringify(created(notJson)).slice(0, 180);
  const withoutLineItems = created(missingLineItems);
  delete withoutLineItems.line_items;
  const quantityAsWord = created(wrongType);
  const lineItems = quantityAsWord.line_items as JsonObject[];
  const firstLine = lineItems[0];
  if (firstLine !== undefined) firstLine.quantity = 'two';

  const productUpdatedAt = '2026-11-13T16:00:00Z';
  const product = {
    id: products.desk72.productId,
    admin_graphql_api_id: `gid://shopify/Product/${products.desk72.productId}`,
    title: products.desk72.title,
    body_html: '<p>Solid walnut top on a dual-motor frame.</p>',
    vendor: products.desk72.vendor,
    product_type: 'Desks',
    handle: 'walnut-standing-desk-72',
    status: 'active',
    tags: 'assembly, desks',
    created_at: shopTime('2026-11-01T14:00:00Z'),
    updated_at: shopTime(productUpdatedAt),
    published_at: shopTime('2026-11-01T14:00:00Z'),
    variants: [
      {
        id: products.desk72.variantId,
        product_id: products.desk72.productId,
        title: products.desk72.variantTitle,
        sku: products.desk72.sku,
        price: money(products.desk72.priceCents),
        inventory_policy: 'deny',
        inventory_quantity: 14,
        requires_shipping: true,
        taxable: true,
        updated_at: shopTime(productUpdatedAt),
      },
    ],
  } satisfies JsonObject;

  const delivery = new Delivery(11)
    .deliver(
      webhook('orders/create', truncated, addSeconds(notJson.createdAt, 2), '#1012 not json'),
    )
    .deliver(
      webhook(
        'orders/create',
        withoutLineItems,
        addSeconds(missingLineItems.createdAt, 2),
        '#1013 no items',
      ),
    )
    .deliver(
      webhook(
        'orders/create',
        quantityAsWord,
        addSeconds(wrongType.createdAt, 2),
        '#1014 quantity',
      ),
    )
    .deliver(
      webhook('products/update', product, addSeconds(productUpdatedAt, 1), 'product update'),
    );
  return { file: '11-malformed.ndjson', messages: delivery.messages };
}

/** Builds one order with SKUs null, empty and ` desk-72-asm `, where only the desk is a leg. */
function skuVariants(): Scenario {
  const spec: OrderSpec = {
    number: 1015,
    customer: person(15, 'Oli', 'Testcase', '617'),
    place: cambridge('1200 Example Court', '02139'),
    lines: [
      { product: products.giftWrap, quantity: 1 },
      { product: products.cableTray, quantity: 1 },
      { product: products.desk72, quantity: 1, sku: ' desk-72-asm ' },
    ],
    createdAt: '2026-11-14T17:22:08Z',
  };
  const shipment: Shipment = {
    sequence: 1,
    at: addHours(spec.createdAt, 25),
    items: [
      { line: 0, quantity: 1 },
      { line: 1, quantity: 1 },
      { line: 2, quantity: 1 },
    ],
    carrier: 'UPS',
  };

  const delivery = new Delivery(12)
    .deliver(
      orderWebhook('orders/create', spec, {
        updatedAt: addSeconds(spec.createdAt, 1),
        shipments: [],
      }),
    )
    .deliver(
      orderWebhook('orders/fulfilled', spec, {
        updatedAt: addSeconds(shipment.at, 2),
        shipments: [shipment],
      }),
    );
  return { file: '12-sku-variants.ndjson', messages: delivery.messages };
}

// Replay examples

/** Builds two messages in the shape `gcloud pubsub subscriptions pull --format=json` prints. */
function gcloudPullExample(): Json {
  const spec: OrderSpec = {
    number: 1016,
    customer: person(16, 'Pam', 'Imaginary', '312'),
    place: usPlace('1300 Sample Parkway', null, 'Chicago', illinois, '60614', '312', 10250),
    lines: [{ product: products.desk72, quantity: 1 }],
    createdAt: '2026-11-15T15:40:00Z',
  };
  const shipment: Shipment = {
    sequence: 1,
    at: addHours(spec.createdAt, 24),
    items: [{ line: 0, quantity: 1 }],
    carrier: 'UPS',
  };
  const delivery = new Delivery(90)
    .deliver(
      orderWebhook('orders/create', spec, {
        updatedAt: addSeconds(spec.createdAt, 1),
        shipments: [],
      }),
    )
    .deliver(
      orderWebhook('orders/fulfilled', spec, {
        updatedAt: addSeconds(shipment.at, 2),
        shipments: [shipment],
      }),
    );

  return delivery.messages.map((message) => ({
    ackId: Buffer.from(digest(`ack:${message.messageId}`), 'hex').toString('base64url'),
    message: { ...message },
  }));
}

/** Builds a bare `orders/create` body, for `spar-bridge replay --topic orders/create`. */
function orderCreateBodyExample(): JsonObject {
  const spec: OrderSpec = {
    number: 1017,
    customer: person(17, 'Quin', 'Sample', '212'),
    place: manhattan('1400 Example Avenue', 'Apt 9C', '10011'),
    lines: [{ product: products.chair, quantity: 1 }],
    createdAt: '2026-11-16T14:10:00Z',
  };
  return orderBody(spec, { updatedAt: addSeconds(spec.createdAt, 1), shipments: [] });
}

/** Builds every scenario, in the order the demo replays them. */
export function buildScenarios(): Scenario[] {
  return [
    singleLeg(),
    severalLegs(),
    backorderedLamp(),
    outsideCoverage(),
    zipFormats(),
    noAssembly(),
    cancelBeforePosting(),
    cancelAfterPosting(),
    duplicateDelivery(),
    outOfOrder(),
    malformed(),
    skuVariants(),
  ];
}

async function prettyJson(path: string, value: Json): Promise<string> {
  const options = (await resolveConfig(join(repositoryRoot, path))) ?? {};
  return format(JSON.stringify(value), { ...options, filepath: path });
}

/**
 * Builds every fixture file in memory. JSON files are formatted with the repository's
 * prettier settings, so that `prettier --check` accepts them as written.
 */
export async function buildFixtures(): Promise<FixtureFile[]> {
  const files: FixtureFile[] = buildScenarios().map((scenario) => ({
    path: `fixtures/messages/${scenario.file}`,
    content: scenario.messages.map((message) => `${JSON.stringify(message)}\n`).join(''),
  }));

  const gcloudPath = 'fixtures/examples/gcloud-pull.json';
  files.push({ path: gcloudPath, content: await prettyJson(gcloudPath, gcloudPullExample()) });
  const bodyPath = 'fixtures/examples/order-create-body.json';
  files.push({ path: bodyPath, content: await prettyJson(bodyPath, orderCreateBodyExample()) });
  return files;
}

/** Writes the fixtures under `root` (the repository by default) and returns their paths. */
export async function writeFixtures(root = repositoryRoot): Promise<string[]> {
  const files = await buildFixtures();
  for (const file of files) {
    const target = join(root, file.path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.content);
  }
  return files.map((file) => file.path);
}

const invokedPath = process.argv[1];
if (invokedPath !== undefined && import.meta.url === pathToFileURL(resolve(invokedPath)).href) {
  const written = await writeFixtures();
  for (const path of written) console.log(path);
}
