import type { EmailAction, EmailKind } from '../../decision/types.js';
import type { EmailContent } from './emailContent.js';
import { legsTotal } from './money.js';
import {
  describeLeg,
  isLegShipped,
  orderFacts,
  orderLabel,
  plural,
  unitCount,
} from './orderFacts.js';

/** Kinds the owners receive: everything about orders, none of the operational alerts. */
export type OrderEmailKind = Exclude<EmailKind, 'error' | 'liveness_ok' | 'liveness_down'>;

type ContentWithoutFooter = Omit<EmailContent, 'footer'>;

/** Builds the content of an email to the owners about one order. */
export function orderContent(action: EmailAction & { kind: OrderEmailKind }): ContentWithoutFooter {
  const builders: Record<OrderEmailKind, (action: EmailAction) => ContentWithoutFooter> = {
    order_received: orderReceived,
    order_received_no_assembly: orderReceivedNoAssembly,
    partial_fulfillment: partialFulfillment,
    spar_posted: sparPosted,
    outside_coverage: outsideCoverage,
    spar_cancelled: sparCancelled,
    cancellation_needs_review: cancellationNeedsReview,
  };
  return builders[action.kind](action);
}

function base(action: EmailAction): Pick<ContentWithoutFooter, 'facts' | 'lists' | 'preformatted'> {
  return { facts: orderFacts(action.details), lists: [], preformatted: null };
}

function withTotal(action: EmailAction): string[] {
  const total = legsTotal(action.details.legs);
  return total === null ? [] : [`Assembly price for SPAR: ${total} in total.`];
}

function orderReceived(action: EmailAction): ContentWithoutFooter {
  const label = orderLabel(action.details);
  const units = plural(unitCount(action.details.legs), 'item');
  return {
    ...base(action),
    subject: `Order ${label} received: assembly needed for ${units}`,
    heading: `New order ${label} with assembly`,
    tone: 'info',
    paragraphs: [
      `Order ${label} includes ${units} that SPAR assembles. spar-bridge books SPAR once every assembly item has shipped.`,
      ...withTotal(action),
    ],
    legs: { rows: action.details.legs, showShipped: false },
  };
}

function orderReceivedNoAssembly(action: EmailAction): ContentWithoutFooter {
  const label = orderLabel(action.details);
  return {
    ...base(action),
    subject: `Order ${label} received: no assembly needed`,
    heading: `New order ${label} without assembly`,
    tone: 'info',
    paragraphs: [`Order ${label} has no item on the assembly SKU list, so SPAR is not involved.`],
    legs: null,
  };
}

function partialFulfillment(action: EmailAction): ContentWithoutFooter {
  const label = orderLabel(action.details);
  const shipped = action.details.legs.filter(isLegShipped);
  const waiting = action.details.legs.filter((leg) => !isLegShipped(leg));
  const unshippedUnits = waiting.reduce(
    (sum, leg) => sum + leg.quantity - leg.fulfilledQuantity,
    0,
  );
  return {
    ...base(action),
    subject: `Order ${label} partly shipped: ${plural(unshippedUnits, 'assembly item')} still to ship`,
    heading: `Order ${label} is partly shipped`,
    tone: 'warning',
    paragraphs: [
      `Some assembly items of order ${label} have shipped and others have not. SPAR is booked once everything has shipped.`,
      'Please tell the customer that SPAR will call to arrange assembly once every item has arrived.',
    ],
    legs: { rows: action.details.legs, showShipped: true },
    lists: [
      { title: 'Shipped', items: shipped.length === 0 ? ['(none)'] : shipped.map(describeLeg) },
      {
        title: 'Not shipped yet',
        items:
          waiting.length === 0
            ? ['(none)']
            : waiting.map(
                (leg) => `${describeLeg(leg)}: ${leg.fulfilledQuantity} of ${leg.quantity} shipped`,
              ),
      },
    ],
  };
}

function sparPosted(action: EmailAction): ContentWithoutFooter {
  const label = orderLabel(action.details);
  return {
    ...base(action),
    subject: `Order ${label} sent to SPAR for assembly`,
    heading: `SPAR job booked for order ${label}`,
    tone: 'success',
    paragraphs: [
      `Every assembly item of order ${label} has shipped, and spar-bridge posted one assembly job to SPAR. SPAR calls the customer to arrange a date.`,
      ...withTotal(action),
    ],
    legs: { rows: action.details.legs, showShipped: false },
  };
}

function outsideCoverage(action: EmailAction): ContentWithoutFooter {
  const { zip, countryCode } = action.details;
  const label = orderLabel(action.details);
  const where = zip === null ? 'no valid ZIP' : `ZIP ${zip}`;
  return {
    ...base(action),
    facts: [
      ...orderFacts(action.details),
      { label: 'ZIP', value: zip ?? '(missing or invalid)' },
      { label: 'Country', value: countryCode ?? '(missing)' },
    ],
    subject: `Order ${label} is outside SPAR coverage (${where})`,
    heading: `Order ${label} cannot be assembled by SPAR`,
    tone: 'warning',
    paragraphs: [
      `The shipping address of order ${label} is outside SPAR's coverage area (${where}, country ${countryCode ?? 'unknown'}). spar-bridge will not post this order to SPAR.`,
      'Please arrange assembly another way before the order ships.',
    ],
    legs: { rows: action.details.legs, showShipped: false },
  };
}

function sparCancelled(action: EmailAction): ContentWithoutFooter {
  const label = orderLabel(action.details);
  const reason = action.details.cancelReason ?? 'not given';
  return {
    ...base(action),
    facts: [...orderFacts(action.details), { label: 'Cancel reason', value: reason }],
    subject: `Order ${label} cancelled: SPAR job cancelled`,
    heading: `SPAR job cancelled for order ${label}`,
    tone: 'info',
    paragraphs: [
      `Order ${label} was cancelled in Shopify (reason: ${reason}), so spar-bridge cancelled its SPAR assembly job.`,
    ],
    legs: { rows: action.details.legs, showShipped: false },
  };
}

function cancellationNeedsReview(action: EmailAction): ContentWithoutFooter {
  const label = orderLabel(action.details);
  const reason = action.details.cancelReason ?? 'not given';
  return {
    ...base(action),
    facts: [...orderFacts(action.details), { label: 'Cancel reason', value: reason }],
    subject: `Order ${label} cancelled: review the SPAR job (reason: ${reason})`,
    heading: `Order ${label} was cancelled: the SPAR job is still booked`,
    tone: 'alert',
    paragraphs: [
      `Order ${label} was cancelled in Shopify with reason "${reason}". This reason does not cancel SPAR jobs automatically, so the SPAR job is still booked.`,
      'Please decide whether to cancel the assembly with SPAR yourself.',
    ],
    legs: { rows: action.details.legs, showShipped: false },
  };
}
