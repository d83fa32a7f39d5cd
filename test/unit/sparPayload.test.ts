import { describe, expect, it } from 'vitest';
import type { SparCancelAction, SparCreateAction } from '../../src/decision/types.js';
import { InvalidInputError } from '../../src/errors.js';
import {
  buildSparCancelBody,
  buildSparCreateBody,
  cancelIdempotencyKey,
  createIdempotencyKey,
} from '../../src/spar/sparPayload.js';
import { order, products, testCustomer, testShop } from '../support/orders.js';

const createAction: SparCreateAction = {
  type: 'spar.create',
  orderId: '5550001001',
  items: [
    { sku: 'DESK-72-ASM', description: products.desk.title, quantity: 1, assemblyPrice: '149.00' },
    {
      sku: 'CHAIR-ERGO-ASM',
      description: products.chair.title,
      quantity: 2,
      assemblyPrice: '49.00',
    },
  ],
  fulfilledAt: '2026-12-01T10:04:05-05:00',
  tracking: [{ company: 'UPS', number: '1Z999AA10123456784' }],
};

const lineItems = [{ id: 11, sku: products.desk.sku, title: products.desk.title }];

describe('buildSparCreateBody', () => {
  it('maps every contract field', () => {
    const body = buildSparCreateBody(testShop, { order: order({ lineItems }) }, createAction);

    expect(body).toEqual({
      externalId: 'gid://shopify/Order/5550001001',
      orderNumber: '#1001',
      shop: testShop,
      customer: {
        name: `${testCustomer.firstName} ${testCustomer.lastName}`,
        email: testCustomer.email,
        phone: testCustomer.phone,
      },
      address: {
        line1: testCustomer.address1,
        line2: testCustomer.address2,
        city: 'Boston',
        state: 'MA',
        zip: '02134',
        country: 'US',
      },
      items: createAction.items,
      fulfilledAt: '2026-12-01T15:04:05Z',
      tracking: createAction.tracking,
    });
  });

  it.each([
    ['ZIP+4', '02134-1234'],
    ['nine digits', '021341234'],
    ['padded', ' 02134 '],
    ['number without zero', 2134],
  ])('normalises a %s ZIP', (_case, zip) => {
    const body = buildSparCreateBody(
      testShop,
      { order: order({ lineItems, address: { zip } }) },
      createAction,
    );

    expect(body.address.zip).toBe('02134');
  });

  it('falls back to customer name and order email', () => {
    const stored = order({ lineItems });
    stored.shipping_address = {
      ...stored.shipping_address,
      name: null,
      first_name: null,
      last_name: null,
    };
    stored.customer = { first_name: 'Sam', last_name: null, email: null, phone: null };

    const body = buildSparCreateBody(testShop, { order: stored }, createAction);

    expect(body.customer.name).toBe('Sam');
    expect(body.customer.email).toBe(testCustomer.email);
  });

  it('rejects a missing order body', () => {
    expect(() => buildSparCreateBody(testShop, { order: null }, createAction)).toThrow(
      InvalidInputError,
    );
  });

  it('rejects a missing shipping address', () => {
    const stored = order({ lineItems, address: null });

    expect(() => buildSparCreateBody(testShop, { order: stored }, createAction)).toThrow(
      InvalidInputError,
    );
  });

  it('rejects a malformed ZIP', () => {
    const stored = order({ lineItems, address: { zip: 'ABCDE' } });

    expect(() => buildSparCreateBody(testShop, { order: stored }, createAction)).toThrow(/ZIP/);
  });

  it('keeps customer data out of its errors', () => {
    const stored = order({ lineItems, address: { zip: null } });

    const error = captureError(() =>
      buildSparCreateBody(testShop, { order: stored }, createAction),
    );

    expect(error.message).toContain('#1001');
    for (const value of Object.values(testCustomer)) expect(error.message).not.toContain(value);
  });
});

describe('buildSparCancelBody', () => {
  const cancelAction: SparCancelAction = {
    type: 'spar.cancel',
    orderId: '5550001001',
    reason: 'customer',
    cancelledAt: '2026-12-02T04:00:00-05:00',
  };

  it('maps reason, note and time', () => {
    const body = buildSparCancelBody({ order: order({ lineItems }) }, cancelAction, new Date(0));

    expect(body).toEqual({
      reason: 'customer',
      note: 'Shopify #1001 was cancelled (reason: customer).',
      cancelledAt: '2026-12-02T09:00:00Z',
    });
  });

  it('uses the recorded time without cancelledAt', () => {
    const recordedAt = new Date('2026-12-03T08:00:00.250Z');

    const body = buildSparCancelBody(undefined, { ...cancelAction, cancelledAt: null }, recordedAt);

    expect(body.cancelledAt).toBe('2026-12-03T08:00:00Z');
    expect(body.note).toBe('Shopify order 5550001001 was cancelled (reason: customer).');
  });
});

describe('idempotency keys', () => {
  it('join shop, order id and operation', () => {
    expect(createIdempotencyKey(testShop, '5550001001')).toBe(`${testShop}:5550001001:create`);
    expect(cancelIdempotencyKey(testShop, '5550001001')).toBe(`${testShop}:5550001001:cancel`);
  });
});

function captureError(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    if (error instanceof Error) return error;
  }
  throw new Error('expected the call to throw an Error');
}
