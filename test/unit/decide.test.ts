import { describe, expect, it, vi } from 'vitest';
import type { Catalog } from '../../src/catalog/catalog.js';
import { parseSkuCsv } from '../../src/catalog/parseSkus.js';
import { parseZipList } from '../../src/catalog/parseZips.js';
import { decide } from '../../src/decision/decide.js';
import type {
  Action,
  Decision,
  DecisionRules,
  EmailAction,
  OrderEvent,
  OrderState,
  SparCreateAction,
} from '../../src/decision/types.js';
import {
  type AddressInput,
  type LineItemInput,
  defaultRules,
  fulfillmentEvent,
  orderEvent,
  products,
  testCustomer,
  testShop,
} from '../support/orders.js';

/** The catalog as an operator writes it: prices as people type them, a ZIP that lost its zero. */
const catalog = catalogFrom(
  'sku,assembly_price\nDESK-72-ASM,149.00\nDESK-60-ASM,129\nCHAIR-ERGO-ASM,49.00\nWARDROBE-2D-ASM,"$1,299.00"\n',
  'zip\n2134\n02138\n10001\n',
);

function catalogFrom(skus: string, zips: string): Catalog {
  return { assemblySkus: parseSkuCsv(skus).skus, coverageZips: parseZipList(zips).zips };
}

// Line items of the invented orders. Ids are Shopify line item ids.
const desk: LineItemInput = { id: 101, ...products.desk };
const chair: LineItemInput = { id: 102, ...products.chair };
const lamp: LineItemInput = { id: 103, ...products.lamp, price: '189.00' };
const wardrobe: LineItemInput = { id: 104, ...products.wardrobe };

// Snapshots of one order over time, oldest first.
const t0 = '2026-12-01T09:30:05-05:00';
const t1 = '2026-12-02T14:00:05-05:00';
const t2 = '2026-12-03T11:15:05-05:00';
const t3 = '2026-12-04T16:45:05-05:00';

const shipDesk = {
  id: 4001,
  lines: [{ id: 101, quantity: 1 }],
  createdAt: '2026-12-02T14:00:00-05:00',
};
const shipChair = {
  id: 4002,
  lines: [{ id: 102, quantity: 1 }],
  createdAt: '2026-12-03T11:15:00-05:00',
};
const shipDeskAndChair = {
  id: 4003,
  lines: [
    { id: 101, quantity: 1 },
    { id: 102, quantity: 1 },
  ],
  createdAt: '2026-12-02T14:00:00-05:00',
};

/** Runs events through `decide` in order and returns the state the store would hold after them. */
function stateAfter(
  events: OrderEvent[],
  options: { catalog?: Catalog; rules?: Partial<DecisionRules> } = {},
): OrderState {
  let state: OrderState | undefined;
  for (const event of events) {
    state = decide({
      shop: testShop,
      event,
      state,
      catalog: options.catalog ?? catalog,
      rules: { ...defaultRules, ...options.rules },
    }).state;
  }
  if (state === undefined) throw new Error('stateAfter needs at least one event');
  return state;
}

/** `spar.create`, `spar.cancel:<reason>` or `email:<dedupe key>`: what a row expects. */
function label(action: Action): string {
  if (action.type === 'spar.create') return 'spar.create';
  if (action.type === 'spar.cancel') return `spar.cancel:${action.reason}`;
  return `email:${action.dedupeKey}`;
}

const created = (lineItems: LineItemInput[], address?: AddressInput | null) =>
  orderEvent('orders/create', { updatedAt: t0, lineItems, address });

interface Case {
  name: string;
  /** Stored state before the event; undefined for an order seen for the first time. */
  state?: OrderState;
  event: OrderEvent;
  catalog?: Catalog;
  rules?: Partial<DecisionRules>;
  outcome: Decision['outcome'];
  /** Labels of the returned actions, in any order (see `label`). */
  actions: string[];
  explanation: string;
}

const cases: Case[] = [
  // First sight of an order.
  {
    name: 'orders/create with one leg: order_received',
    event: created([desk]),
    outcome: 'applied',
    actions: ['email:order_received'],
    explanation:
      'order #1001 received with 1 assembly leg; order_received sent; 0 of 1 assembly leg fulfilled',
  },
  {
    name: 'orders/create with two legs and a lamp: order_received',
    event: created([desk, chair, lamp]),
    outcome: 'applied',
    actions: ['email:order_received'],
    explanation: 'received with 2 assembly legs',
  },
  {
    name: 'orders/create without legs: order_received_no_assembly',
    event: created([lamp]),
    outcome: 'applied',
    actions: ['email:order_received_no_assembly'],
    explanation: 'order #1001 has no assembly legs; order_received_no_assembly sent',
  },
  {
    name: 'orders/create without legs, order_received_no_assembly switched off: nothing',
    event: created([lamp]),
    rules: { notifyNoAssembly: false },
    outcome: 'applied',
    actions: [],
    explanation: 'order_received_no_assembly is switched off',
  },
  {
    name: 'the same orders/create again: applied, nothing new',
    state: stateAfter([created([desk])]),
    event: created([desk]),
    outcome: 'applied',
    actions: [],
    explanation: '0 of 1 assembly leg fulfilled',
  },

  // SKU matching.
  {
    name: 'SKUs null, "" and " desk-72-asm " in one order: only the desk is a leg, and it is posted',
    event: orderEvent('orders/fulfilled', {
      updatedAt: t1,
      lineItems: [
        { id: 201, sku: null, title: 'Gift wrapping' },
        { id: 202, sku: '', title: 'Felt pads' },
        { id: 203, sku: ' desk-72-asm ', title: '72in Standing Desk (with assembly)' },
      ],
      fulfillments: [
        {
          id: 4001,
          lines: [
            { id: 201, quantity: 1 },
            { id: 202, quantity: 1 },
            { id: 203, quantity: 1 },
          ],
        },
      ],
    }),
    outcome: 'applied',
    actions: ['email:order_received', 'spar.create', 'email:spar_posted'],
    explanation: 'received with 1 assembly leg',
  },
  {
    name: 'SKUs null and "" only: no legs',
    event: orderEvent('orders/create', {
      lineItems: [
        { id: 201, sku: null, title: 'Gift wrapping' },
        { id: 202, sku: '  ', title: 'Felt pads' },
      ],
    }),
    outcome: 'applied',
    actions: ['email:order_received_no_assembly'],
    explanation: 'no assembly legs',
  },

  // ZIP codes, against a coverage list that holds "2134".
  ...(['02134-1234', '021341234', ' 02134 ', 2134] as const).map<Case>((zip) => ({
    name: `shipping ZIP ${JSON.stringify(zip)} is covered by "2134": posted`,
    event: orderEvent('orders/fulfilled', {
      updatedAt: t1,
      lineItems: [desk],
      address: { zip },
      fulfillments: [shipDesk],
    }),
    outcome: 'applied',
    actions: ['email:order_received', 'spar.create', 'email:spar_posted'],
    explanation: 'the 1 leg fulfilled, ZIP 02134 covered: SPAR job queued',
  })),
  {
    name: 'ZIP not in the coverage list, on create: order_received and outside_coverage right away',
    event: created([desk], { zip: '99501', province: 'AK', city: 'Anchorage' }),
    outcome: 'applied',
    actions: ['email:order_received', 'email:outside_coverage:99501'],
    explanation: 'ZIP 99501 not covered: never posted; outside_coverage sent',
  },
  {
    name: 'outside coverage, all legs fulfilled later: never posted, alert not repeated',
    state: stateAfter([created([desk], { zip: '99501' })]),
    event: orderEvent('orders/fulfilled', {
      updatedAt: t1,
      lineItems: [desk],
      address: { zip: '99501' },
      fulfillments: [shipDesk],
    }),
    outcome: 'applied',
    actions: [],
    explanation: 'ZIP 99501 not covered: never posted; outside_coverage already sent',
  },
  {
    name: 'outside coverage, the ZIP changes to another uncovered one: alerted again',
    state: stateAfter([created([desk], { zip: '99501' })]),
    event: orderEvent('orders/partially_fulfilled', {
      updatedAt: t1,
      lineItems: [desk, lamp],
      address: { zip: '99502' },
    }),
    outcome: 'applied',
    actions: ['email:outside_coverage:99502'],
    explanation: 'ZIP 99502 not covered',
  },
  {
    name: 'outside coverage, the ZIP is corrected to a covered one: posted once fulfilled',
    state: stateAfter([created([desk], { zip: '99501' })]),
    event: orderEvent('orders/fulfilled', {
      updatedAt: t1,
      lineItems: [desk],
      address: { zip: '02138' },
      fulfillments: [shipDesk],
    }),
    outcome: 'applied',
    actions: ['spar.create', 'email:spar_posted'],
    explanation: 'ZIP 02138 covered: SPAR job queued',
  },
  {
    name: 'a country other than the US: outside_coverage, even with a covered ZIP',
    event: created([desk], { zip: '02134', countryCode: 'CA' }),
    outcome: 'applied',
    actions: ['email:order_received', 'email:outside_coverage:02134'],
    explanation: 'country CA is not US: never posted',
  },
  {
    name: 'a Canadian postal code: outside_coverage with no ZIP',
    event: created([desk], { zip: 'M5V 2T6', countryCode: 'CA' }),
    outcome: 'applied',
    actions: ['email:order_received', 'email:outside_coverage:none'],
    explanation: 'country CA is not US',
  },
  {
    name: 'no shipping address: outside_coverage, never posted',
    event: orderEvent('orders/fulfilled', {
      updatedAt: t1,
      lineItems: [desk],
      address: null,
      fulfillments: [shipDesk],
    }),
    outcome: 'applied',
    actions: ['email:order_received', 'email:outside_coverage:none'],
    explanation: 'no shipping address: never posted',
  },
  {
    name: 'a malformed ZIP: outside_coverage with no ZIP',
    event: created([desk], { zip: '0213' }),
    outcome: 'applied',
    actions: ['email:order_received', 'email:outside_coverage:none'],
    explanation: 'ZIP missing or malformed',
  },
  {
    name: 'no assembly legs outside coverage: no coverage alert',
    event: created([lamp], { zip: '99501' }),
    outcome: 'applied',
    actions: ['email:order_received_no_assembly'],
    explanation: 'no assembly legs',
  },

  // Fulfilment.
  {
    name: 'one of two legs fulfilled: partial_fulfillment',
    state: stateAfter([created([desk, chair])]),
    event: orderEvent('orders/partially_fulfilled', {
      updatedAt: t1,
      lineItems: [desk, chair],
      fulfillments: [shipDesk],
    }),
    outcome: 'applied',
    actions: ['email:partial_fulfillment'],
    explanation: '1 of 2 assembly legs fulfilled; partial_fulfillment sent',
  },
  {
    name: 'partial fulfilment seen again: partial_fulfillment only once per order',
    state: stateAfter([
      created([desk, chair, wardrobe]),
      orderEvent('orders/partially_fulfilled', {
        updatedAt: t1,
        lineItems: [desk, chair, wardrobe],
        fulfillments: [shipDesk],
      }),
    ]),
    event: orderEvent('orders/partially_fulfilled', {
      updatedAt: t2,
      lineItems: [desk, chair, wardrobe],
      fulfillments: [shipDesk, shipChair],
    }),
    outcome: 'applied',
    actions: [],
    explanation: '2 of 3 assembly legs fulfilled; partial_fulfillment already sent',
  },
  {
    name: 'partial, then every leg fulfilled: one SPAR job with all legs',
    state: stateAfter([
      created([desk, chair]),
      orderEvent('orders/partially_fulfilled', {
        updatedAt: t1,
        lineItems: [desk, chair],
        fulfillments: [shipDesk],
      }),
    ]),
    event: orderEvent('orders/fulfilled', {
      updatedAt: t2,
      lineItems: [desk, chair],
      fulfillments: [shipDesk, shipChair],
    }),
    outcome: 'applied',
    actions: ['spar.create', 'email:spar_posted'],
    explanation: 'all 2 legs fulfilled, ZIP 02134 covered: SPAR job queued',
  },
  {
    name: 'legs all fulfilled while a lamp is backordered: posted',
    state: stateAfter([created([desk, chair, lamp])]),
    event: orderEvent('orders/partially_fulfilled', {
      updatedAt: t1,
      lineItems: [desk, chair, lamp],
      fulfillments: [shipDeskAndChair],
    }),
    outcome: 'applied',
    actions: ['spar.create', 'email:spar_posted'],
    explanation: 'all 2 legs fulfilled, ZIP 02134 covered: SPAR job queued',
  },
  {
    name: 'only the lamp shipped: no partial_fulfillment, items that are not legs play no part',
    state: stateAfter([created([desk, lamp])]),
    event: orderEvent('orders/partially_fulfilled', {
      updatedAt: t1,
      lineItems: [desk, lamp],
      fulfillments: [{ id: 4009, lines: [{ id: 103, quantity: 1 }] }],
    }),
    outcome: 'applied',
    actions: [],
    explanation: '0 of 1 assembly leg fulfilled',
  },
  {
    name: 'a leg of quantity 2 with one unit shipped: partial_fulfillment, not posted',
    state: stateAfter([created([{ ...chair, quantity: 2 }])]),
    event: orderEvent('orders/partially_fulfilled', {
      updatedAt: t1,
      lineItems: [{ ...chair, quantity: 2 }],
      fulfillments: [{ id: 4002, lines: [{ id: 102, quantity: 1 }] }],
    }),
    outcome: 'applied',
    actions: ['email:partial_fulfillment'],
    explanation: '0 of 1 assembly leg fulfilled (1 of 2 units shipped); partial_fulfillment sent',
  },
  {
    name: 'a cancelled fulfillment does not count: not posted',
    state: stateAfter([created([desk])]),
    event: orderEvent('orders/partially_fulfilled', {
      updatedAt: t1,
      lineItems: [desk],
      fulfillments: [{ ...shipDesk, status: 'cancelled' }],
    }),
    outcome: 'applied',
    actions: [],
    explanation: '0 of 1 assembly leg fulfilled',
  },
  {
    name: "a line item's fulfillment_status fulfilled counts without its fulfillments: posted",
    state: stateAfter([created([desk])]),
    event: orderEvent('orders/fulfilled', {
      updatedAt: t1,
      lineItems: [{ ...desk, fulfillmentStatus: 'fulfilled' }],
    }),
    outcome: 'applied',
    actions: ['spar.create', 'email:spar_posted'],
    explanation: 'SPAR job queued',
  },
  {
    name: 'already posted, another fulfilment event: nothing new',
    state: stateAfter([
      orderEvent('orders/fulfilled', {
        updatedAt: t1,
        lineItems: [desk],
        fulfillments: [shipDesk],
      }),
    ]),
    event: fulfillmentEvent(shipDesk),
    outcome: 'applied',
    actions: [],
    explanation: 'SPAR job already queued',
  },

  // Current quantities.
  {
    name: 'a refund removes a leg: the other leg fulfilled is posted alone',
    state: stateAfter([created([desk, chair])]),
    event: orderEvent('orders/fulfilled', {
      updatedAt: t1,
      lineItems: [desk, chair],
      refunds: [{ id: 9001, lines: [{ lineItemId: 102, quantity: 1 }] }],
      fulfillments: [shipDesk],
    }),
    outcome: 'applied',
    actions: ['spar.create', 'email:spar_posted'],
    explanation: 'the 1 leg fulfilled',
  },
  {
    name: 'an order edit removes the only leg (current_quantity 0): no legs, nothing posted',
    state: stateAfter([created([desk, lamp])]),
    event: orderEvent('orders/fulfilled', {
      updatedAt: t1,
      lineItems: [{ ...desk, currentQuantity: 0 }, lamp],
      fulfillments: [{ id: 4009, lines: [{ id: 103, quantity: 1 }] }],
    }),
    outcome: 'applied',
    actions: [],
    explanation: 'no assembly legs: nothing to post',
  },

  // fulfillments/create.
  {
    name: 'fulfillments/create before any order body: stored, waiting for the order',
    event: fulfillmentEvent(shipDesk),
    outcome: 'applied',
    actions: [],
    explanation: 'fulfillment 4001 stored; order body not known yet, waiting for it',
  },
  {
    name: 'orders/create after its fulfillment was stored: order_received and posted',
    state: stateAfter([fulfillmentEvent(shipDesk)]),
    event: created([desk]),
    outcome: 'applied',
    actions: ['email:order_received', 'spar.create', 'email:spar_posted'],
    explanation: 'the 1 leg fulfilled, ZIP 02134 covered: SPAR job queued',
  },
  {
    name: 'fulfillments/create completing the legs of a known order: posted',
    state: stateAfter([
      created([desk, chair]),
      orderEvent('orders/partially_fulfilled', {
        updatedAt: t1,
        lineItems: [desk, chair],
        fulfillments: [shipDesk],
      }),
    ]),
    event: fulfillmentEvent(shipChair),
    outcome: 'applied',
    actions: ['spar.create', 'email:spar_posted'],
    explanation: 'all 2 legs fulfilled',
  },

  // Out of order and repeated.
  {
    name: 'orders/fulfilled processed before orders/create: posted on first sight',
    event: orderEvent('orders/fulfilled', {
      updatedAt: t1,
      lineItems: [desk, chair],
      fulfillments: [shipDeskAndChair],
    }),
    outcome: 'applied',
    actions: ['email:order_received', 'spar.create', 'email:spar_posted'],
    explanation: 'SPAR job queued',
  },
  {
    name: 'orders/create arriving after orders/fulfilled: stale, nothing new',
    state: stateAfter([
      orderEvent('orders/fulfilled', {
        updatedAt: t1,
        lineItems: [desk, chair],
        fulfillments: [shipDeskAndChair],
      }),
    ]),
    event: created([desk, chair]),
    outcome: 'stale',
    actions: [],
    explanation:
      'stale: updated_at 2026-12-01T09:30:05-05:00 is older than the stored 2026-12-02T14:00:05-05:00; nothing new',
  },
  {
    name: 'an older body carrying a fulfillment not seen before: applied, the fulfillment is taken',
    state: stateAfter([
      created([desk, chair]),
      orderEvent('orders/partially_fulfilled', {
        updatedAt: t2,
        lineItems: [desk, chair],
        fulfillments: [shipDesk],
      }),
    ]),
    event: orderEvent('orders/partially_fulfilled', {
      updatedAt: t1,
      lineItems: [desk, chair],
      fulfillments: [shipDesk, shipChair],
    }),
    outcome: 'applied',
    actions: ['spar.create', 'email:spar_posted'],
    explanation: 'took fulfillment 4002 from it',
  },
  {
    name: 'the same snapshot again (equal updated_at): applied, nothing new',
    state: stateAfter([
      orderEvent('orders/partially_fulfilled', {
        updatedAt: t1,
        lineItems: [desk, chair],
        fulfillments: [shipDesk],
      }),
    ]),
    event: orderEvent('orders/partially_fulfilled', {
      updatedAt: t1,
      lineItems: [desk, chair],
      fulfillments: [shipDesk],
    }),
    outcome: 'applied',
    actions: [],
    explanation: 'partial_fulfillment already sent',
  },
  {
    name: 'an older body without the cancellation: stale, the cancellation stays',
    state: stateAfter([
      created([desk]),
      orderEvent('orders/cancelled', {
        updatedAt: t2,
        lineItems: [desk],
        cancelledAt: t2,
        cancelReason: 'customer',
      }),
    ]),
    event: orderEvent('orders/partially_fulfilled', { updatedAt: t1, lineItems: [desk, lamp] }),
    outcome: 'stale',
    actions: [],
    explanation: 'stale',
  },
  {
    name: 'an older body with a new fulfillment after the cancellation: fulfillment taken, still cancelled, not posted',
    state: stateAfter([
      created([desk]),
      orderEvent('orders/cancelled', {
        updatedAt: t2,
        lineItems: [desk],
        cancelledAt: t2,
        cancelReason: 'customer',
      }),
    ]),
    event: orderEvent('orders/fulfilled', {
      updatedAt: t1,
      lineItems: [desk],
      fulfillments: [shipDesk],
    }),
    outcome: 'applied',
    actions: [],
    explanation: 'took fulfillment 4001 from it; order cancelled (customer) before posting',
  },

  // Cancellation.
  {
    name: 'cancelled before posting: recorded, nothing sent',
    state: stateAfter([created([desk])]),
    event: orderEvent('orders/cancelled', {
      updatedAt: t1,
      lineItems: [desk],
      cancelledAt: t1,
      cancelReason: 'customer',
    }),
    outcome: 'applied',
    actions: [],
    explanation: 'order cancelled (customer) before posting: recorded, nothing will be posted',
  },
  {
    name: 'cancelled before posting, legs fulfilled afterwards: never posted',
    state: stateAfter([
      created([desk]),
      orderEvent('orders/cancelled', {
        updatedAt: t1,
        lineItems: [desk],
        cancelledAt: t1,
        cancelReason: 'customer',
      }),
    ]),
    event: fulfillmentEvent(shipDesk),
    outcome: 'applied',
    actions: [],
    explanation: 'before posting: recorded, nothing will be posted',
  },
  {
    name: 'an orders/cancelled body older than the stored one: the cancellation is still taken',
    state: stateAfter([
      created([desk]),
      orderEvent('orders/partially_fulfilled', { updatedAt: t2, lineItems: [desk, lamp] }),
    ]),
    event: orderEvent('orders/cancelled', {
      updatedAt: t1,
      lineItems: [desk],
      cancelledAt: t1,
      cancelReason: 'inventory',
    }),
    outcome: 'applied',
    actions: [],
    explanation: 'took the cancellation from it; order cancelled (inventory) before posting',
  },
  {
    name: 'cancelled after posting, reason in the configured set: SPAR cancellation and spar_cancelled',
    state: stateAfter([
      orderEvent('orders/fulfilled', {
        updatedAt: t1,
        lineItems: [desk],
        fulfillments: [shipDesk],
      }),
    ]),
    event: orderEvent('orders/cancelled', {
      updatedAt: t2,
      lineItems: [desk],
      fulfillments: [shipDesk],
      cancelledAt: t2,
      cancelReason: 'customer',
    }),
    rules: { cancelReasons: new Set(['customer', 'inventory']) },
    outcome: 'applied',
    actions: ['spar.cancel:customer', 'email:spar_cancelled'],
    explanation:
      'order cancelled (customer) after posting: SPAR cancellation queued; spar_cancelled sent',
  },
  {
    name: 'cancelled after posting with the default set (every reason): SPAR cancellation',
    state: stateAfter([
      orderEvent('orders/fulfilled', {
        updatedAt: t1,
        lineItems: [desk],
        fulfillments: [shipDesk],
      }),
    ]),
    event: orderEvent('orders/cancelled', {
      updatedAt: t2,
      lineItems: [desk],
      cancelledAt: t2,
      cancelReason: 'fraud',
    }),
    outcome: 'applied',
    actions: ['spar.cancel:fraud', 'email:spar_cancelled'],
    explanation: 'SPAR cancellation queued',
  },
  {
    name: 'cancelled after posting without a reason: SPAR cancellation with reason other',
    state: stateAfter([
      orderEvent('orders/fulfilled', {
        updatedAt: t1,
        lineItems: [desk],
        fulfillments: [shipDesk],
      }),
    ]),
    event: orderEvent('orders/cancelled', {
      updatedAt: t2,
      lineItems: [desk],
      cancelledAt: t2,
      cancelReason: null,
    }),
    outcome: 'applied',
    actions: ['spar.cancel:other', 'email:spar_cancelled'],
    explanation: 'order cancelled (other) after posting',
  },
  {
    name: 'cancelled after posting, reason outside the configured set: cancellation_needs_review, SPAR not called',
    state: stateAfter([
      orderEvent('orders/fulfilled', {
        updatedAt: t1,
        lineItems: [desk],
        fulfillments: [shipDesk],
      }),
    ]),
    event: orderEvent('orders/cancelled', {
      updatedAt: t2,
      lineItems: [desk],
      cancelledAt: t2,
      cancelReason: 'fraud',
    }),
    rules: { cancelReasons: new Set(['customer', 'inventory']) },
    outcome: 'applied',
    actions: ['email:cancellation_needs_review'],
    explanation:
      'reason not in the configured set: SPAR not called; cancellation_needs_review sent',
  },
  {
    name: 'a cancellation seen again after the SPAR job was cancelled: nothing new',
    state: stateAfter([
      orderEvent('orders/fulfilled', {
        updatedAt: t1,
        lineItems: [desk],
        fulfillments: [shipDesk],
      }),
      orderEvent('orders/cancelled', {
        updatedAt: t2,
        lineItems: [desk],
        cancelledAt: t2,
        cancelReason: 'customer',
      }),
    ]),
    event: orderEvent('orders/cancelled', {
      updatedAt: t3,
      lineItems: [desk],
      cancelledAt: t2,
      cancelReason: 'customer',
    }),
    outcome: 'applied',
    actions: [],
    explanation: 'SPAR job already cancelled',
  },
  {
    name: 'an order first seen cancelled with its legs fulfilled: announced, never posted',
    event: orderEvent('orders/cancelled', {
      updatedAt: t2,
      lineItems: [desk],
      fulfillments: [shipDesk],
      cancelledAt: t2,
      cancelReason: 'staff',
    }),
    outcome: 'applied',
    actions: ['email:order_received'],
    explanation: 'order cancelled (staff) before posting',
  },
];

describe('decide', () => {
  it.each(cases)('$name', (row) => {
    const decision = decide({
      shop: testShop,
      event: row.event,
      state: row.state,
      catalog: row.catalog ?? catalog,
      rules: { ...defaultRules, ...row.rules },
    });

    expect(decision.outcome).toBe(row.outcome);
    expect(decision.actions.map(label).sort()).toEqual([...row.actions].sort());
    expect(decision.explanation).toContain(row.explanation);
    expect(decision.explanation).not.toContain('\n');
  });
});

describe('decide: what the actions carry', () => {
  const fulfilledTwoLegs = orderEvent('orders/fulfilled', {
    updatedAt: t2,
    lineItems: [{ ...desk, sku: ' desk-72-asm ' }, { ...wardrobe, quantity: 2 }, lamp],
    fulfillments: [
      {
        id: 4001,
        lines: [{ id: 101, quantity: 1 }],
        createdAt: '2026-12-02T14:00:00-05:00',
        trackingNumber: '1Z999AA10123456784',
      },
      {
        id: 4005,
        lines: [{ id: 104, quantity: 2 }],
        createdAt: '2026-12-03T11:15:00-05:00',
        trackingCompany: 'FedEx',
        trackingNumber: '7946 1234 5678',
      },
      {
        id: 4006,
        lines: [{ id: 103, quantity: 1 }],
        createdAt: '2026-12-04T08:00:00-05:00',
        trackingNumber: '9400100000000000000000',
      },
    ],
  });

  function run(
    event: OrderEvent,
    state?: OrderState,
    rules: Partial<DecisionRules> = {},
  ): Decision {
    return decide({ shop: testShop, event, state, catalog, rules: { ...defaultRules, ...rules } });
  }

  it('posts one SPAR job with every leg, as the catalog spells it, priced per unit', () => {
    const create = run(fulfilledTwoLegs).actions.find(
      (action): action is SparCreateAction => action.type === 'spar.create',
    );

    expect(create).toEqual({
      type: 'spar.create',
      orderId: '5550001001',
      items: [
        {
          sku: 'DESK-72-ASM',
          description: '72in Standing Desk (with assembly)',
          quantity: 1,
          assemblyPrice: '149.00',
        },
        {
          sku: 'WARDROBE-2D-ASM',
          description: 'Two-Door Wardrobe (with assembly)',
          quantity: 2,
          assemblyPrice: '1299.00',
        },
      ],
      fulfilledAt: '2026-12-03T11:15:00-05:00',
      tracking: [
        { company: 'UPS', number: '1Z999AA10123456784' },
        { company: 'FedEx', number: '7946 1234 5678' },
      ],
    });
  });

  it("falls back to the order's updated_at when no fulfillment says when the legs shipped", () => {
    const event = orderEvent('orders/fulfilled', {
      updatedAt: t1,
      lineItems: [{ ...desk, fulfillmentStatus: 'fulfilled' }],
    });
    const create = run(event).actions.find(
      (action) => action.type === 'spar.create',
    ) as SparCreateAction;
    expect(create.fulfilledAt).toBe(t1);
    expect(create.tracking).toEqual([]);
  });

  it('marks the state posted and records every email dedupe key it queued', () => {
    const { state } = run(fulfilledTwoLegs);
    expect(state.sparPosted).toBe(true);
    expect(state.emailsSent).toEqual(['order_received', 'spar_posted']);
  });

  it('gives partial_fulfillment the legs with their fulfilled quantities', () => {
    const event = orderEvent('orders/partially_fulfilled', {
      updatedAt: t1,
      lineItems: [desk, { ...chair, quantity: 2 }],
      fulfillments: [{ id: 4002, lines: [{ id: 102, quantity: 1 }] }],
    });
    const email = run(event, stateAfter([created([desk, { ...chair, quantity: 2 }])]))
      .actions[0] as EmailAction;

    expect(email.kind).toBe('partial_fulfillment');
    expect(email.dedupeKey).toBe('partial_fulfillment');
    expect(email.details).toMatchObject({
      shop: testShop,
      orderId: '5550001001',
      orderName: '#1001',
      topic: 'orders/partially_fulfilled',
    });
    expect(email.details.legs).toEqual([
      {
        lineItemId: '101',
        sku: 'DESK-72-ASM',
        title: '72in Standing Desk (with assembly)',
        quantity: 1,
        fulfilledQuantity: 0,
        assemblyPrice: '149.00',
      },
      {
        lineItemId: '102',
        sku: 'CHAIR-ERGO-ASM',
        title: 'Ergonomic Task Chair (with assembly)',
        quantity: 2,
        fulfilledQuantity: 1,
        assemblyPrice: '49.00',
      },
    ]);
  });

  it('gives outside_coverage the ZIP and country code', () => {
    const email = run(created([desk], { zip: '99501-0001', province: 'AK' })).actions.find(
      (action): action is EmailAction =>
        action.type === 'email' && action.kind === 'outside_coverage',
    );
    expect(email?.details).toMatchObject({ zip: '99501', countryCode: 'US', cancelReason: null });
  });

  it('gives the cancellation emails the cancel reason and the SPAR cancellation its time', () => {
    const posted = stateAfter([fulfilledTwoLegs]);
    const cancel = orderEvent('orders/cancelled', {
      updatedAt: t3,
      lineItems: [desk],
      cancelledAt: t3,
      cancelReason: 'customer',
    });

    const [sparCancel, email] = run(cancel, posted).actions;
    expect(sparCancel).toEqual({
      type: 'spar.cancel',
      orderId: '5550001001',
      reason: 'customer',
      cancelledAt: t3,
    });
    expect((email as EmailAction).details.cancelReason).toBe('customer');

    const review = run(cancel, posted, { cancelReasons: new Set(['inventory']) })
      .actions[0] as EmailAction;
    expect(review.kind).toBe('cancellation_needs_review');
    expect(review.details.cancelReason).toBe('customer');
  });

  it('never puts customer contact data or the street address into an action', () => {
    const outside = run(created([desk, chair], { zip: '99501' }));
    const posted = run(fulfilledTwoLegs);
    const cancelled = run(
      orderEvent('orders/cancelled', {
        updatedAt: t3,
        lineItems: [desk],
        cancelledAt: t3,
        cancelReason: 'fraud',
      }),
      posted.state,
      { cancelReasons: new Set(['customer']) },
    );

    const text = JSON.stringify([outside.actions, posted.actions, cancelled.actions]);
    for (const value of Object.values(testCustomer)) expect(text).not.toContain(value);
  });

  it('queues nothing when its own returned state is fed back with the same event', () => {
    const first = run(fulfilledTwoLegs);
    const again = run(fulfilledTwoLegs, first.state);
    expect(again.actions).toEqual([]);
    expect(again.state).toEqual(first.state);
  });
});

describe('decide is pure', () => {
  it('reads no clock and changes none of its input', () => {
    const now = vi.spyOn(Date, 'now').mockImplementation(() => {
      throw new Error('decide read the clock');
    });
    try {
      const state = stateAfter([created([desk, chair])]);
      const event = orderEvent('orders/fulfilled', {
        updatedAt: t1,
        lineItems: [desk, chair],
        fulfillments: [shipDeskAndChair],
      });
      const before = structuredClone({ state, event });
      deepFreeze(state);
      deepFreeze(event);

      const first = decide({ shop: testShop, event, state, catalog, rules: defaultRules });
      const second = decide({ shop: testShop, event, state, catalog, rules: defaultRules });

      expect({ state, event }).toEqual(before);
      expect(second).toEqual(first);
      expect(now).not.toHaveBeenCalled();
    } finally {
      now.mockRestore();
    }
  });
});

function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== 'object') return;
  for (const child of Object.values(value)) deepFreeze(child);
  Object.freeze(value);
}
