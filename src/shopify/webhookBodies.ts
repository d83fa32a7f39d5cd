import { z } from 'zod';

/**
 * Schemas for the Shopify webhook bodies spar-bridge reads (Admin API 2026-10). They are
 * strict about the fields the business rules use and pass every other field through, because
 * Shopify adds fields without notice and Pub/Sub deliveries may carry extra ones.
 */

/** A Shopify numeric id. JSON bodies carry it as a number; it is kept as a decimal string. */
const shopifyId = z
  .union([z.number().int().nonnegative(), z.string().regex(/^\d+$/, 'expected a numeric id')])
  .transform((id) => String(id));

const isoTimestamp = z.string().refine((value) => !Number.isNaN(Date.parse(value)), {
  error: 'expected an ISO 8601 timestamp',
});

const quantity = z.number().int().nonnegative();

export const addressSchema = z.looseObject({
  first_name: z.string().nullish(),
  last_name: z.string().nullish(),
  name: z.string().nullish(),
  company: z.string().nullish(),
  address1: z.string().nullish(),
  address2: z.string().nullish(),
  city: z.string().nullish(),
  province: z.string().nullish(),
  province_code: z.string().nullish(),
  country: z.string().nullish(),
  country_code: z.string().nullish(),
  zip: z.union([z.string(), z.number()]).nullish(),
  phone: z.string().nullish(),
});

export const lineItemSchema = z.looseObject({
  id: shopifyId,
  sku: z.string().nullish(),
  title: z.string().nullish(),
  name: z.string().nullish(),
  quantity,
  current_quantity: quantity.nullish(),
  fulfillable_quantity: quantity.nullish(),
  fulfillment_status: z.string().nullish(),
});

export const fulfillmentLineItemSchema = z.looseObject({
  id: shopifyId,
  sku: z.string().nullish(),
  quantity,
});

export const fulfillmentSchema = z.looseObject({
  id: shopifyId,
  order_id: shopifyId,
  status: z.string().nullish(),
  created_at: isoTimestamp.nullish(),
  updated_at: isoTimestamp.nullish(),
  tracking_company: z.string().nullish(),
  tracking_number: z.string().nullish(),
  tracking_numbers: z.array(z.string()).nullish(),
  line_items: z.array(fulfillmentLineItemSchema),
});

export const refundSchema = z.looseObject({
  id: shopifyId,
  refund_line_items: z.array(z.looseObject({ line_item_id: shopifyId, quantity })).nullish(),
});

export const orderSchema = z.looseObject({
  id: shopifyId,
  admin_graphql_api_id: z.string().min(1),
  name: z.string().min(1),
  updated_at: isoTimestamp,
  created_at: isoTimestamp.nullish(),
  cancelled_at: isoTimestamp.nullish(),
  cancel_reason: z.string().nullish(),
  email: z.string().nullish(),
  phone: z.string().nullish(),
  customer: z
    .looseObject({
      first_name: z.string().nullish(),
      last_name: z.string().nullish(),
      email: z.string().nullish(),
      phone: z.string().nullish(),
    })
    .nullish(),
  shipping_address: addressSchema.nullish(),
  line_items: z.array(lineItemSchema),
  fulfillments: z.array(fulfillmentSchema).nullish(),
  refunds: z.array(refundSchema).nullish(),
});

/** Minimal body of `app/uninstalled`: the shop record. */
export const shopSchema = z.looseObject({
  id: shopifyId.nullish(),
  domain: z.string().nullish(),
  myshopify_domain: z.string().nullish(),
});

export type ShopifyAddress = z.infer<typeof addressSchema>;
export type ShopifyLineItem = z.infer<typeof lineItemSchema>;
export type ShopifyFulfillment = z.infer<typeof fulfillmentSchema>;
export type ShopifyOrder = z.infer<typeof orderSchema>;
export type ShopifyShop = z.infer<typeof shopSchema>;
