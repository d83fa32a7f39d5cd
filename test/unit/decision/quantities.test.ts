import { describe, expect, it } from 'vitest';
import { currentQuantity, fulfilledQuantities } from '../../../src/decision/normalize.js';
import { fulfillment, order, products } from '../../support/orders.js';

const desk = { id: 101, ...products.desk };
const chair = { id: 102, ...products.chair };

describe('currentQuantity', () => {
  it('uses current_quantity when the body has it', () => {
    const body = order({ lineItems: [{ ...desk, quantity: 3, currentQuantity: 1 }] });
    expect(currentQuantity(body.line_items[0]!, body)).toBe(1);
  });

  it('subtracts refunded quantities when current_quantity is absent', () => {
    const body = order({
      lineItems: [{ ...desk, quantity: 3 }, chair],
      refunds: [
        { id: 9001, lines: [{ lineItemId: 101, quantity: 1 }] },
        {
          id: 9002,
          lines: [
            { lineItemId: 101, quantity: 1 },
            { lineItemId: 102, quantity: 1 },
          ],
        },
      ],
    });
    expect(currentQuantity(body.line_items[0]!, body)).toBe(1);
    expect(currentQuantity(body.line_items[1]!, body)).toBe(0);
  });

  it('never goes below 0', () => {
    const body = order({
      lineItems: [desk],
      refunds: [{ id: 9001, lines: [{ lineItemId: 101, quantity: 2 }] }],
    });
    expect(currentQuantity(body.line_items[0]!, body)).toBe(0);
  });
});

describe('fulfilledQuantities', () => {
  it('counts successful fulfillments and those without a status, not cancelled or failed ones', () => {
    const body = order({
      lineItems: [{ ...desk, quantity: 4 }],
      fulfillments: [
        { id: 1, lines: [{ id: 101, quantity: 1 }] },
        { id: 2, lines: [{ id: 101, quantity: 1 }], status: null },
        { id: 3, lines: [{ id: 101, quantity: 1 }], status: 'cancelled' },
        { id: 4, lines: [{ id: 101, quantity: 1 }], status: 'failure' },
        { id: 5, lines: [{ id: 101, quantity: 1 }], status: 'error' },
      ],
    });
    expect(fulfilledQuantities(body, {}).get('101')).toBe(2);
  });

  it('merges stored fulfillments with the body, counting each fulfillment id once', () => {
    const body = order({
      lineItems: [{ ...desk, quantity: 3 }],
      fulfillments: [{ id: 1, lines: [{ id: 101, quantity: 1 }] }],
    });
    const stored = {
      '1': fulfillment({ id: 1, lines: [{ id: 101, quantity: 1 }] }),
      '2': fulfillment({ id: 2, lines: [{ id: 101, quantity: 1 }] }),
    };
    expect(fulfilledQuantities(body, stored).get('101')).toBe(2);
  });

  it('lets the newer version of a fulfillment win, so a later cancellation stops it counting', () => {
    const body = order({
      lineItems: [desk],
      fulfillments: [
        {
          id: 1,
          lines: [{ id: 101, quantity: 1 }],
          status: 'cancelled',
          updatedAt: '2026-12-03T10:00:00Z',
        },
      ],
    });
    const stored = {
      '1': fulfillment({
        id: 1,
        lines: [{ id: 101, quantity: 1 }],
        createdAt: '2026-12-02T10:00:00Z',
      }),
    };
    expect(fulfilledQuantities(body, stored).get('101')).toBe(0);
  });

  it("takes a line item's fulfillment_status fulfilled as a floor", () => {
    const body = order({
      lineItems: [{ ...desk, quantity: 2, fulfillmentStatus: 'fulfilled' }, chair],
    });
    const shipped = fulfilledQuantities(body, {});
    expect(shipped.get('101')).toBe(2);
    expect(shipped.get('102')).toBe(0);
  });

  it('caps the shipped quantity at the current quantity after a refund', () => {
    const body = order({
      lineItems: [{ ...desk, quantity: 2, currentQuantity: 1 }],
      fulfillments: [{ id: 1, lines: [{ id: 101, quantity: 2 }] }],
    });
    expect(fulfilledQuantities(body, {}).get('101')).toBe(1);
  });
});
