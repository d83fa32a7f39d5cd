import type { ShopifyOrder } from '../shopify/webhookBodies.js';
import { ActionList, sentWord } from './actionList.js';
import { type Coverage, coverageOf } from './coverage.js';
import { assemblyLegs, isLegFulfilled } from './legs.js';
import { emptyOrderState, mergeEvent, orderIdOf } from './orderState.js';
import { sparCreateAction } from './sparJob.js';
import type {
  Decision,
  DecisionInput,
  DecisionRules,
  EmailDetails,
  LegSummary,
  OrderState,
} from './types.js';

/** What the rules look at once the event is merged: the newest body and what follows from it. */
interface OrderFacts {
  state: OrderState;
  /** This event brought the first order body. */
  firstSight: boolean;
  order: ShopifyOrder;
  legs: LegSummary[];
  coverage: Coverage;
}

/**
 * Applies the business rules: folds one event into the order's stored state
 * and returns the new state, the actions to queue and a one-line explanation.
 *
 * Pure: no I/O, no clock, no environment, and `input` is never modified. Deciding the same
 * event twice queues nothing the second time, because SPAR actions are guarded by
 * `sparPosted`/`sparCancelled` and emails by their dedupe keys in `emailsSent`.
 */
export function decide(input: DecisionInput): Decision {
  const prior = input.state ?? emptyOrderState(input.shop, orderIdOf(input.event));
  const merged = mergeEvent(prior, input.event);
  if (merged.kind === 'stale') {
    return { outcome: 'stale', state: prior, actions: [], explanation: merged.reason };
  }

  const { state } = merged;
  if (state.order === null) {
    return {
      outcome: 'applied',
      state,
      actions: [],
      explanation: merged.note ?? 'stored; waiting for the order body',
    };
  }

  const facts: OrderFacts = {
    state,
    firstSight: merged.firstSight,
    order: state.order,
    legs: assemblyLegs(state.order, state.fulfillments, input.catalog),
    coverage: coverageOf(state.order, input.catalog),
  };
  const actions = new ActionList(state.emailsSent, baseDetails(input, facts));
  const notes = merged.note === null ? [] : [merged.note];

  if (facts.firstSight) notes.push(announceOrder(facts, input.rules, actions));
  const outcome =
    state.cancelled === null
      ? evaluateFulfilment(facts, actions)
      : evaluateCancellation(facts, input.rules, actions);
  if (outcome.note !== null) notes.push(outcome.note);

  return {
    outcome: 'applied',
    state: { ...state, ...outcome.flags, emailsSent: actions.emailsSent },
    actions: actions.actions,
    explanation: notes.join('; '),
  };
}

type RuleOutcome = {
  /** Null when the announcement already covers it. */
  note: string | null;
  flags: Partial<Pick<OrderState, 'sparPosted' | 'sparCancelled'>>;
};

/** Announces an order to the owners when its first order body is seen. */
function announceOrder(
  { order, legs }: OrderFacts,
  rules: DecisionRules,
  actions: ActionList,
): string {
  if (legs.length > 0) {
    const queued = actions.email('order_received');
    return `order ${order.name} received with ${plural(legs.length, 'assembly leg')}; order_received ${sentWord(queued)}`;
  }
  if (!rules.notifyNoAssembly) {
    return `order ${order.name} has no assembly legs; order_received_no_assembly is switched off`;
  }

  const queued = actions.email('order_received_no_assembly');
  return `order ${order.name} has no assembly legs; order_received_no_assembly ${sentWord(queued)}`;
}

/**
 * Decides the fulfilment of an order that is not cancelled: an order with legs outside coverage is
 * never posted and alerts once per ZIP (it gets no partial_fulfillment, which promises a
 * call from SPAR); a covered order is posted once every unit of every leg has shipped, and
 * alerts once when only some have. Items that are not legs play no part.
 */
function evaluateFulfilment(facts: OrderFacts, actions: ActionList): RuleOutcome {
  const { state, order, legs, coverage } = facts;
  if (legs.length === 0) {
    return { note: facts.firstSight ? null : 'no assembly legs: nothing to post', flags: {} };
  }
  if (state.sparPosted) return { note: 'SPAR job already queued', flags: {} };

  if (!coverage.covered) {
    const details = { zip: coverage.zip, countryCode: coverage.countryCode };
    const queued = actions.email('outside_coverage', details, coverage.zip ?? 'none');
    return {
      note: `${coverage.reason ?? 'not covered'}: never posted; outside_coverage ${sentWord(queued)}`,
      flags: {},
    };
  }

  const done = legs.filter(isLegFulfilled).length;
  if (done === legs.length) {
    actions.spar(sparCreateAction(order, legs, state.fulfillments));
    const queued = actions.email('spar_posted');
    const all = legs.length === 1 ? 'the 1 leg' : `all ${legs.length} legs`;
    const note = `${all} fulfilled, ZIP ${coverage.zip ?? ''} covered: SPAR job queued; spar_posted ${sentWord(queued)}`;
    return { note, flags: { sparPosted: true } };
  }

  const progress = `${done} of ${plural(legs.length, 'assembly leg')} fulfilled${unitsNote(legs)}`;
  if (!legs.some((leg) => leg.fulfilledQuantity > 0)) return { note: progress, flags: {} };

  const queued = actions.email('partial_fulfillment');
  return { note: `${progress}; partial_fulfillment ${sentWord(queued)}`, flags: {} };
}

/**
 * Decides a cancellation. A cancellation before posting is only recorded (the caller keeps `cancelled` in
 * the state, so nothing is posted later). After posting, a reason in the configured set
 * cancels the SPAR job; any other reason asks the owners to review and calls nothing.
 */
function evaluateCancellation(
  facts: OrderFacts,
  rules: DecisionRules,
  actions: ActionList,
): RuleOutcome {
  const { state } = facts;
  const reason = state.cancelled?.reason ?? 'other';
  const cancelled = `order cancelled (${reason})`;
  if (!state.sparPosted) {
    return { note: `${cancelled} before posting: recorded, nothing will be posted`, flags: {} };
  }
  if (state.sparCancelled) return { note: `${cancelled}: SPAR job already cancelled`, flags: {} };

  if (rules.cancelReasons !== null && !rules.cancelReasons.has(reason.toLowerCase())) {
    const queued = actions.email('cancellation_needs_review', { cancelReason: reason });
    return {
      note: `${cancelled} after posting, reason not in the configured set: SPAR not called; cancellation_needs_review ${sentWord(queued)}`,
      flags: {},
    };
  }

  actions.spar({
    type: 'spar.cancel',
    orderId: state.orderId,
    reason,
    cancelledAt: state.cancelled?.at ?? null,
  });
  const queued = actions.email('spar_cancelled', { cancelReason: reason });
  return {
    note: `${cancelled} after posting: SPAR cancellation queued; spar_cancelled ${sentWord(queued)}`,
    flags: { sparCancelled: true },
  };
}

/** What every email of this decision shows. No customer name, email, phone or street address. */
function baseDetails(input: DecisionInput, { state, order, legs }: OrderFacts): EmailDetails {
  return {
    shop: input.shop,
    orderId: state.orderId,
    orderName: order.name,
    legs,
    zip: null,
    countryCode: null,
    cancelReason: null,
    reason: null,
    webhookId: null,
    topic: input.event.topic,
  };
}

/** ` (3 of 4 units shipped)` when some leg shipped only part of its units; empty otherwise. */
function unitsNote(legs: readonly LegSummary[]): string {
  if (!legs.some((leg) => leg.fulfilledQuantity > 0 && !isLegFulfilled(leg))) return '';
  const shipped = legs.reduce((sum, leg) => sum + leg.fulfilledQuantity, 0);
  const total = legs.reduce((sum, leg) => sum + leg.quantity, 0);
  return ` (${shipped} of ${plural(total, 'unit')} shipped)`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
