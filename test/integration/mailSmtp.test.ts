import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/config.js';
import { decide } from '../../src/decision/decide.js';
import {
  emailKinds,
  type Action,
  type EmailAction,
  type EmailKind,
} from '../../src/decision/types.js';
import { createLogger } from '../../src/log/logger.js';
import { sampleEmailAction } from '../../src/mail/sampleEmailActions.js';
import { SmtpMailSink } from '../../src/mail/smtpMailSink.js';
import { formatUtc } from '../../src/mail/templates/renderEmail.js';
import type { DeliveryResult } from '../../src/outbox/sink.js';
import { orderSchema } from '../../src/shopify/webhookBodies.js';
import { createStore } from '../../src/store/createStore.js';
import type { OutboxStatus, Store } from '../../src/store/types.js';

const logger = createLogger({ level: 'silent' });
const opsTo = ['owners@sample-furniture.test', 'desk@sample-furniture.test'];
const devTo = ['dev@sample-furniture.test'];
const developerKinds: readonly EmailKind[] = ['error', 'liveness_ok', 'liveness_down'];

interface ReceivedMail {
  envelopeTo: string[];
  raw: string;
  parsed: ParsedMail;
}

type ServerMode = 'accept' | 'reject-421' | 'reject-recipient-550';

/** A real SMTP server on loopback that records every message it accepts. */
class TestSmtpServer {
  readonly received: ReceivedMail[] = [];
  mode: ServerMode = 'accept';
  port = 0;
  #server: SMTPServer | null = null;

  async start(port = 0): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      closeTimeout: 50,
      onConnect: (_session, callback) => {
        if (this.mode === 'reject-421') {
          callback(smtpError(421, 'Service not available, try again later'));
          return;
        }
        callback();
      },
      onRcptTo: (_address, _session, callback) => {
        if (this.mode === 'reject-recipient-550') {
          callback(smtpError(550, 'Mailbox unavailable'));
          return;
        }
        callback();
      },
      onData: (stream, session: SMTPServerSession, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          simpleParser(raw)
            .then((parsed) => {
              this.received.push({
                envelopeTo: session.envelope.rcptTo.map((to) => to.address),
                raw,
                parsed,
              });
              callback();
            })
            .catch(callback);
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        resolve();
      });
    });
    this.#server = server;
    this.port = (server.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    if (server === null) return;
    await new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
    });
  }

  messageIds(): string[] {
    return this.received.map((mail) => mail.parsed.messageId ?? '');
  }
}

function smtpError(responseCode: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode });
}

function mailConfig(port: number): Config['mail'] {
  return {
    smtpUrl: `smtp://127.0.0.1:${port}`,
    from: 'spar-bridge <bridge@sample-furniture.test>',
    opsTo,
    devTo,
    dir: '/nonexistent',
  };
}

/**
 * Creates a controllable clock, so tests move time forward instead of sleeping. It starts a
 * second ahead, so rows the store queued just before with the real time are already due.
 */
function manualClock(start = new Date(Date.now() + 1_000)): {
  now: () => Date;
  advance: (ms: number) => void;
} {
  let nowMs = start.getTime();
  return { now: () => new Date(nowMs), advance: (ms) => (nowMs += ms) };
}

/**
 * Delivers due outbox rows the way the dispatcher does: claim, deliver, then store the result,
 * honouring `retryAfterMs`. Returns the results of this round.
 */
async function deliverDue(store: Store, sink: SmtpMailSink, now: Date): Promise<DeliveryResult[]> {
  const results: DeliveryResult[] = [];
  for (const row of await store.claimDueActions(now, 100)) {
    const result = await sink.deliver(row, { store, logger });
    results.push(result);
    const waiting = result.status === 'retry' || result.status === 'deferred';
    const status: OutboxStatus = waiting ? 'pending' : result.status;
    const nextAttemptAt =
      result.status === 'deferred'
        ? result.until
        : new Date(
            now.getTime() + (result.status === 'retry' ? (result.retryAfterMs ?? 1_000) : 0),
          );
    await store.updateAction(row.id, {
      status,
      nextAttemptAt,
      lastError: 'error' in result ? result.error : null,
      result: result.status === 'done' ? (result.result ?? null) : null,
    });
  }
  return results;
}

async function statuses(store: Store): Promise<OutboxStatus[]> {
  return (await store.listActions()).map((row) => row.status);
}

describe('SmtpMailSink', () => {
  let server: TestSmtpServer;
  let store: Store;
  let sink: SmtpMailSink | null = null;

  beforeEach(async () => {
    server = new TestSmtpServer();
    await server.start();
    store = await createStore({ databaseUrl: 'sqlite::memory:', logger });
    await store.migrate();
  });

  afterEach(async () => {
    await sink?.close();
    sink = null;
    await server.stop();
    await store.close();
  });

  function createSink(clock: () => Date = () => new Date()): SmtpMailSink {
    sink = new SmtpMailSink({
      mail: mailConfig(server.port),
      clock,
      transport: {
        rateLimit: 100,
        rateDelta: 1_000,
        connectionTimeout: 2_000,
        greetingTimeout: 2_000,
        socketTimeout: 5_000,
      },
      sendTimeoutMs: 10_000,
    });
    return sink;
  }

  it('routes every kind with both parts and the kind header', async () => {
    const mailSink = createSink();
    const actions = emailKinds.map((kind) =>
      sampleEmailAction(kind, { orderId: null, orderName: `#20${emailKinds.indexOf(kind)}` }),
    );
    await store.enqueueActions('test', 'sample-furniture.myshopify.com', null, actions);

    const results = await deliverDue(store, mailSink, new Date());

    expect(results.map((result) => result.status)).toEqual(emailKinds.map(() => 'done'));
    expect(server.received).toHaveLength(emailKinds.length);
    for (const kind of emailKinds) {
      const mail = server.received.find(
        (received) => received.parsed.headers.get('x-spar-bridge-kind') === kind,
      );
      expect(mail, kind).toBeDefined();
      expect(mail!.envelopeTo, kind).toEqual(developerKinds.includes(kind) ? devTo : opsTo);
      expect(mail!.parsed.text, kind).toBeTruthy();
      expect(mail!.parsed.html, kind).toBeTruthy();
      expect(mail!.parsed.subject, kind).toBeTruthy();
      expect(mail!.parsed.messageId, kind).toMatch(/^<.+@sample-furniture\.test>$/);
    }
  });

  it('names the order in subject and body', async () => {
    const mailSink = createSink();
    await store.enqueueActions('test', 'sample-furniture.myshopify.com', '5800000000001', [
      sampleEmailAction('spar_posted'),
    ]);

    await deliverDue(store, mailSink, new Date());

    const mail = server.received[0]!.parsed;
    expect(mail.subject).toContain('#1001');
    expect(mail.text).toContain('5800000000001');
    expect(mail.text).toContain(
      'https://admin.shopify.com/store/sample-furniture/orders/5800000000001',
    );
    expect(mail.html).toContain(
      'href="https://admin.shopify.com/store/sample-furniture/orders/5800000000001"',
    );
    expect(mail.text).toContain('DESK-OAK-160');
    expect(mail.text).toContain('$149.00');
  });

  it('keeps customer contact data out of every email', async () => {
    const customer = {
      first_name: 'Marguerite',
      last_name: 'Okonkwo-Lindqvist',
      email: 'marguerite.ol@example.net',
      phone: '+1 415-555-0199',
      address1: '7 Quillfeather Lane',
      address2: 'Unit 12B',
    };
    const address = {
      ...customer,
      name: `${customer.first_name} ${customer.last_name}`,
      city: 'Anchorage',
      province_code: 'AK',
      country_code: 'US',
      zip: '99501',
    };
    const lineItems = [
      {
        id: 901,
        sku: 'DESK-OAK-160',
        title: 'Oak standing desk 160 cm',
        quantity: 1,
        current_quantity: 1,
        fulfillment_status: null,
      },
      {
        id: 902,
        sku: 'CHAIR-ERGO-BLK',
        title: 'Ergonomic chair, black',
        quantity: 2,
        current_quantity: 2,
        fulfillment_status: null,
      },
    ];
    const orderBody = {
      id: 5_800_000_000_777,
      admin_graphql_api_id: 'gid://shopify/Order/5800000000777',
      name: '#1777',
      created_at: '2026-12-01T09:00:00Z',
      updated_at: '2026-12-01T09:00:05Z',
      email: customer.email,
      phone: customer.phone,
      customer: { id: 42, ...customer },
      shipping_address: address,
      billing_address: address,
      line_items: lineItems,
      fulfillments: [],
      refunds: [],
    };
    const catalog = {
      assemblySkus: new Map([
        ['DESK-OAK-160', { sku: 'DESK-OAK-160', assemblyPriceCents: 14_900 }],
        ['CHAIR-ERGO-BLK', { sku: 'CHAIR-ERGO-BLK', assemblyPriceCents: 4_550 }],
      ]),
      coverageZips: new Set(['02134']),
    };
    const decision = decide({
      shop: 'sample-furniture.myshopify.com',
      event: { kind: 'order', topic: 'orders/create', order: orderSchema.parse(orderBody) },
      state: undefined,
      catalog,
      rules: { notifyNoAssembly: true, cancelReasons: null },
    });
    const emailActions = decision.actions.filter(
      (action: Action): action is EmailAction => action.type === 'email',
    );
    // Also render actions whose details carry contact fields they should never have, as a
    // careless caller might build them: the templates must read only the known fields.
    const polluted = emailKinds.map((kind) => {
      const action = sampleEmailAction(kind);
      return {
        ...action,
        dedupeKey: `${kind}:polluted`,
        details: {
          ...action.details,
          ...orderBody,
          legs: action.details.legs,
          orderId: '5800000000777',
          shop: action.details.shop,
        },
      };
    });
    expect(emailActions.map((action) => action.kind).sort()).toEqual([
      'order_received',
      'outside_coverage',
    ]);
    await store.enqueueActions('test', 'sample-furniture.myshopify.com', '5800000000777', [
      ...emailActions,
      ...polluted,
    ]);

    await deliverDue(store, createSink(), new Date());

    expect(server.received).toHaveLength(emailActions.length + polluted.length);
    const contactStrings = [
      customer.first_name,
      customer.last_name,
      customer.email,
      customer.phone,
      customer.address1,
      customer.address2,
      'Quillfeather',
      '555-0199',
    ];
    for (const mail of server.received) {
      for (const contact of contactStrings) {
        expect(mail.raw, `${mail.parsed.subject ?? ''}: ${contact}`).not.toContain(contact);
        expect(mail.parsed.text ?? '', contact).not.toContain(contact);
        expect(mail.parsed.html || '', contact).not.toContain(contact);
      }
    }
    const coverage = server.received.find(
      (mail) => mail.parsed.headers.get('x-spar-bridge-kind') === 'outside_coverage',
    );
    expect(coverage?.parsed.text).toContain('99501');
  });

  it('delivers queued mail once after an outage', async () => {
    const clock = manualClock();
    const mailSink = createSink(clock.now);
    const port = server.port;
    const actions = (['order_received', 'partial_fulfillment', 'spar_posted'] as const).map(
      (kind) => sampleEmailAction(kind),
    );
    await store.enqueueActions('test', 'sample-furniture.myshopify.com', '5800000000001', actions);

    // Phase 1: the server is stopped, so connecting fails.
    await server.stop();
    const refused = await deliverDue(store, mailSink, clock.now());
    expect(refused.map((result) => result.status)).toEqual(['retry', 'retry', 'retry']);

    // Phase 2: the server is back but replies 421 to every connection.
    server.mode = 'reject-421';
    await server.start(port);
    clock.advance(60_000);
    const rejected = await deliverDue(store, mailSink, clock.now());
    expect(rejected.map((result) => result.status)).toEqual(['retry', 'retry', 'retry']);
    expect(rejected.map((result) => ('error' in result ? result.error : ''))).toEqual(
      expect.arrayContaining([expect.stringContaining('421')]),
    );

    // Phase 3: recovery; every queued email goes out, then nothing more is due.
    server.mode = 'accept';
    clock.advance(60_000);
    const recovered = await deliverDue(store, mailSink, clock.now());
    clock.advance(60 * 60_000);
    const after = await deliverDue(store, mailSink, clock.now());

    expect(recovered.map((result) => result.status)).toEqual(['done', 'done', 'done']);
    expect(after).toEqual([]);
    expect(await statuses(store)).toEqual(['done', 'done', 'done']);
    expect(server.received).toHaveLength(3);
    expect(new Set(server.messageIds()).size).toBe(3);
  });

  it('fails a message whose recipients get 550', async () => {
    const mailSink = createSink();
    server.mode = 'reject-recipient-550';
    await store.enqueueActions('test', 'sample-furniture.myshopify.com', '5800000000001', [
      sampleEmailAction('order_received'),
    ]);

    const [result] = await deliverDue(store, mailSink, new Date());

    expect(result?.status).toBe('failed');
    expect(result).toMatchObject({ error: expect.stringContaining('550') as unknown });
    expect(server.received).toHaveLength(0);
  });

  it('sends one alert and one summary for a burst', async () => {
    const clock = manualClock();
    const burstStart = clock.now();
    const mailSink = createSink(clock.now);
    const burst = Array.from({ length: 6 }, (_, index) =>
      sampleEmailAction('error', {
        orderId: String(5_800_000_000_100 + index),
        orderName: `#${1100 + index}`,
        reason: `email:spar_posted for order ${5_800_000_000_100 + index}: still not delivered after ${index + 3} attempts: ECONNECTION`,
      }),
    );
    for (const [index, action] of burst.entries()) {
      await store.enqueueActions(
        `alert:${index}`,
        'sample-furniture.myshopify.com',
        action.details.orderId,
        [action],
      );
    }
    const other = sampleEmailAction('error', {
      reason: 'Pub/Sub message 991 rejected: invalid JSON',
    });
    await store.enqueueActions('alert:other', 'sample-furniture.myshopify.com', null, [other]);

    // Burst: the first alert of each class goes out, the other five are held for an hour.
    const first = await deliverDue(store, mailSink, clock.now());
    expect(first.filter((result) => result.status === 'done')).toHaveLength(2);
    expect(first.filter((result) => result.status === 'deferred')).toHaveLength(5);
    expect(server.received).toHaveLength(2);

    // Nothing is due again until the hour has passed.
    clock.advance(30 * 60_000);
    expect(await deliverDue(store, mailSink, clock.now())).toEqual([]);

    // After the hour: one summary counts the four others, which are then done without an email.
    clock.advance(30 * 60_000);
    const second = await deliverDue(store, mailSink, clock.now());
    expect(second.map((result) => result.status)).toEqual(['done', 'done', 'done', 'done', 'done']);
    expect(server.received).toHaveLength(3);
    const summary = server.received[2]!.parsed;
    expect(summary.subject).toContain('(+4 more like it)');
    expect(summary.text).toContain(`4 more alerts like this since ${formatUtc(burstStart)}`);

    clock.advance(2 * 60 * 60_000);
    expect(await deliverDue(store, mailSink, clock.now())).toEqual([]);
    expect(await statuses(store)).toEqual(Array.from({ length: 7 }, () => 'done'));
  });
});
