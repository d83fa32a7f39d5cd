import type { ActionSink, DeliveryContext, DeliveryResult } from '../outbox/sink.js';
import type { OutboxRow } from '../store/types.js';

/**
 * The SPAR sink used when `SPAR_BASE_URL` is unset: it logs each action without customer
 * data and reports it delivered, so the pipeline runs end to end without SPAR.
 */
export class RecordingSparSink implements ActionSink {
  deliver(row: OutboxRow, context: DeliveryContext): Promise<DeliveryResult> {
    const { action } = row;
    const facts =
      action.type === 'spar.create'
        ? { items: action.items.map((item) => ({ sku: item.sku, quantity: item.quantity })) }
        : action.type === 'spar.cancel'
          ? { reason: action.reason }
          : {};
    context.logger.info(
      { actionType: action.type, shop: row.shop, orderId: row.orderId, ...facts },
      'spar action recorded, not sent; set SPAR_BASE_URL to send it',
    );
    return Promise.resolve({ status: 'done', result: { recorded: true } });
  }
}
