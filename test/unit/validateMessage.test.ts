import { describe, expect, it } from 'vitest';
import { validateBody } from '../../src/ingress/validateMessage.js';
import { orderJson } from '../support/orders.js';

function body(updatedAt: string): Buffer {
  const order = orderJson({
    id: 5550001001,
    name: '#1001',
    updatedAt,
    lineItems: [{ id: 1, sku: 'DESK-72-ASM', title: '72in standing desk' }],
  });
  return Buffer.from(JSON.stringify(order), 'utf8');
}

describe('validateBody', () => {
  const sentAt = new Date('2026-12-01T15:00:00Z');

  it('accepts updated_at before sending', () => {
    const result = validateBody('orders/create', body('2026-12-01T14:59:59Z'), sentAt);

    expect(result.ok).toBe(true);
  });

  it('tolerates clock jitter', () => {
    const result = validateBody('orders/create', body('2026-12-01T15:30:00Z'), sentAt);

    expect(result.ok).toBe(true);
  });

  it('rejects updated_at far after sending', () => {
    const result = validateBody('orders/create', body('2999-01-01T00:00:00Z'), sentAt);

    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toContain('updated_at 2999-01-01T00:00:00Z');
    expect(result.orderId).toBe('5550001001');
  });

  it('skips the check without a send time', () => {
    const result = validateBody('orders/create', body('2999-01-01T00:00:00Z'));

    expect(result.ok).toBe(true);
  });

  it('names the field of a wrong type', () => {
    const order = JSON.parse(body('2026-12-01T14:00:00Z').toString('utf8')) as {
      line_items: { quantity: unknown }[];
    };
    order.line_items[0]!.quantity = 'two';

    const result = validateBody('orders/create', Buffer.from(JSON.stringify(order)), sentAt);

    expect(result.ok ? '' : result.reason).toContain('line_items[0].quantity');
  });
});
