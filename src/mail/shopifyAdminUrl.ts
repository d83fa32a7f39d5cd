const myshopifySuffix = '.myshopify.com';

/**
 * Returns the store handle that Shopify admin URLs use: the shop domain without
 * `.myshopify.com` (`acme-furniture.myshopify.com` becomes `acme-furniture`).
 */
export function storeHandle(shop: string): string {
  const domain = shop.trim().toLowerCase();
  return domain.endsWith(myshopifySuffix) ? domain.slice(0, -myshopifySuffix.length) : domain;
}

/** Returns the link to an order in the Shopify admin, or null when the order id is unknown. */
export function orderAdminUrl(shop: string, orderId: string | null): string | null {
  if (orderId === null || orderId === '') return null;

  const handle = encodeURIComponent(storeHandle(shop));
  return `https://admin.shopify.com/store/${handle}/orders/${encodeURIComponent(orderId)}`;
}
