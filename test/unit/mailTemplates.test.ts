import { describe, expect, it } from 'vitest';
import { emailKinds } from '../../src/decision/types.js';
import { sampleEmailAction } from '../../src/mail/sampleEmailActions.js';
import { orderAdminUrl, storeHandle } from '../../src/mail/shopifyAdminUrl.js';
import { renderEmail } from '../../src/mail/templates/renderEmail.js';

const now = new Date('2026-12-01T10:00:00Z');
const orderKinds = emailKinds.filter((kind) => kind !== 'liveness_ok' && kind !== 'liveness_down');

describe('renderEmail', () => {
  it.each(orderKinds)('%s names the order', (kind) => {
    const action = sampleEmailAction(kind);

    const email = renderEmail(action, { now });

    expect(email.subject).toContain(action.details.orderName!);
    expect(email.text).toContain(action.details.orderId!);
    expect(email.html).toContain(action.details.orderId!);
    expect(email.text).toContain(
      `https://admin.shopify.com/store/sample-furniture/orders/${action.details.orderId!}`,
    );
  });

  it.each(emailKinds)('%s has text and HTML parts', (kind) => {
    const email = renderEmail(sampleEmailAction(kind), { now });

    expect(email.text).toContain(`Email kind: ${kind}.`);
    expect(email.html).toMatch(/^<!DOCTYPE html>/);
    expect(email.html).toContain('2026-12-01 10:00 UTC');
  });

  it('lists legs with quantity and price', () => {
    const email = renderEmail(sampleEmailAction('order_received'), { now });

    expect(email.subject).toBe('Order #1001 received: assembly needed for 3 items');
    expect(email.text).toContain(
      'DESK-OAK-160 "Oak standing desk 160 cm": quantity 1, assembly $149.00 each ($149.00)',
    );
    expect(email.text).toContain(
      'CHAIR-ERGO-BLK "Ergonomic chair, black": quantity 2, assembly $45.50 each ($91.00)',
    );
    expect(email.text).toContain('$240.00 in total');
  });

  it('partial fulfilment splits shipped legs', () => {
    const email = renderEmail(sampleEmailAction('partial_fulfillment'), { now });

    expect(email.subject).toBe('Order #1001 partly shipped: 2 assembly items still to ship');
    expect(email.text).toMatch(/Shipped:\n- 1 × DESK-OAK-160/);
    expect(email.text).toMatch(
      /Not shipped yet:\n- 2 × CHAIR-ERGO-BLK \(Ergonomic chair, black\): 0 of 2 shipped/,
    );
    expect(email.html).toContain('Not shipped yet</td>');
  });

  it('outside coverage shows the ZIP', () => {
    const email = renderEmail(sampleEmailAction('outside_coverage', { zip: '02134' }), { now });

    expect(email.subject).toBe('Order #1001 is outside SPAR coverage (ZIP 02134)');
    expect(email.text).toMatch(/ZIP: +02134/);
  });

  it('outside coverage without a ZIP', () => {
    const email = renderEmail(sampleEmailAction('outside_coverage', { zip: null }), { now });

    expect(email.subject).toBe('Order #1001 is outside SPAR coverage (no valid ZIP)');
  });

  it('escapes every value in HTML', () => {
    const hostile = '<script>alert("x")</script>&';
    const action = sampleEmailAction('cancellation_needs_review', {
      orderName: `#1001${hostile}`,
      cancelReason: hostile,
      legs: [
        {
          lineItemId: '1',
          sku: hostile,
          title: hostile,
          quantity: 1,
          fulfilledQuantity: 0,
          assemblyPrice: hostile,
        },
      ],
    });

    const email = renderEmail(action, { now });

    expect(email.html).not.toContain('<script>');
    expect(email.html).not.toContain('"x"');
    expect(email.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;');
  });

  it('error without an order', () => {
    const action = sampleEmailAction('error', {
      orderId: null,
      orderName: null,
      reason: 'Pub/Sub message rejected: invalid JSON\nat byte 12',
    });

    const email = renderEmail(action, { now });

    expect(email.subject).toBe('spar-bridge error: Pub/Sub message rejected: invalid JSON');
    expect(email.text).toContain('at byte 12');
    expect(email.html).toContain('invalid JSON<br>at byte 12');
    expect(email.text).not.toContain('admin.shopify.com');
  });

  it('liveness shows the summary', () => {
    const email = renderEmail(
      sampleEmailAction('liveness_down', {
        reason: 'Health endpoint timed out\nOutbox: 3 pending',
      }),
      { now },
    );

    expect(email.subject).toBe('spar-bridge is DOWN: Health endpoint timed out');
    expect(email.text).toContain('Outbox: 3 pending');
  });

  it('liveness without a summary', () => {
    const email = renderEmail(sampleEmailAction('liveness_ok', { reason: null }), { now });

    expect(email.subject).toBe('spar-bridge is running: daily check passed');
    expect(email.text).toContain('The liveness check sent no summary.');
  });

  it('repeat summary in subject and body', () => {
    const email = renderEmail(sampleEmailAction('error'), {
      now,
      repeats: { count: 4, since: new Date('2026-12-01T09:05:00Z') },
    });

    expect(email.subject).toMatch(/\(\+4 more like it\)$/);
    expect(email.text).toContain('4 more alerts like this since 2026-12-01 09:05 UTC');
  });
});

describe('orderAdminUrl', () => {
  it('strips the myshopify domain', () => {
    expect(storeHandle('Sample-Furniture.myshopify.com')).toBe('sample-furniture');
    expect(orderAdminUrl('sample-furniture.myshopify.com', '5800000000001')).toBe(
      'https://admin.shopify.com/store/sample-furniture/orders/5800000000001',
    );
  });

  it('unknown order id', () => {
    expect(orderAdminUrl('sample-furniture.myshopify.com', null)).toBeNull();
  });
});
