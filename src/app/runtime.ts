import type { Logger } from 'pino';
import type { Catalog } from '../catalog/catalog.js';
import { CsvCatalogSource } from '../catalog/csvCatalogSource.js';
import type { Config } from '../config/config.js';
import { Pipeline } from '../ingress/pipeline.js';
import { createMailSink } from '../mail/createMailSink.js';
import { developerAlert } from '../outbox/developerAlert.js';
import { Dispatcher } from '../outbox/dispatcher.js';
import { createSparSink } from '../spar/createSparSink.js';
import { createStore } from '../store/createStore.js';
import type { Store } from '../store/types.js';

/** Everything one process needs to take messages in and deliver actions out. */
export interface Runtime {
  store: Store;
  catalog: () => Catalog;
  pipeline: Pipeline;
  dispatcher: Dispatcher;
  /** Stops the dispatcher, closes sinks and the store. Safe to call more than once. */
  close(): Promise<void>;
}

/**
 * Wires the components from configuration: the one place that decides which store, catalog
 * and sinks run. Migrations run here, and actions left in flight by a process that died are
 * settled before anything is delivered.
 */
export async function openRuntime(
  config: Readonly<Config>,
  logger: Logger,
  options: {
    databaseUrl: string;
    /**
     * Settle actions left in flight by a process that died. Only the long-running worker does
     * this at start: a short `replay` next to a running worker would otherwise take over the
     * worker's deliveries in progress.
     */
    recoverInFlight?: boolean;
  },
): Promise<Runtime> {
  const store = await createStore({
    databaseUrl: options.databaseUrl,
    logger,
  });
  await store.migrate();
  if (options.recoverInFlight === true) {
    const recovered = await store.recoverInFlight(new Date());
    if (recovered > 0) {
      logger.warn({ recovered }, 'settled actions left in flight by an earlier process');
    }
  }

  let catalog: Catalog;
  try {
    catalog = await new CsvCatalogSource({
      skusFile: config.catalog.skusFile,
      zipsFile: config.catalog.zipsFile,
      logger: logger.child({ component: 'catalog' }),
    }).load();
  } catch (error) {
    await store.close();
    throw error;
  }

  const pipeline = new Pipeline({
    store,
    catalog: () => catalog,
    rules: {
      notifyNoAssembly: config.rules.notifyNoAssembly,
      cancelReasons:
        config.rules.cancelReasons === null ? null : new Set(config.rules.cancelReasons),
    },
    logger: logger.child({ component: 'pipeline' }),
  });

  const sparSink = createSparSink({
    spar: config.spar,
    logger,
    onBreakerOpen: (event) => {
      queueBreakerAlert(store, logger, `SPAR circuit breaker opened: ${JSON.stringify(event)}`);
    },
  });
  const emailSink = createMailSink({ mail: config.mail });
  const dispatcher = new Dispatcher({
    store,
    sinks: { spar: sparSink, email: emailSink },
    alertAfterMs: config.outboxAlertAfterMs,
    logger: logger.child({ component: 'outbox' }),
  });

  let closed = false;
  return {
    store,
    catalog: () => catalog,
    pipeline,
    dispatcher,
    async close() {
      if (closed) return;
      closed = true;
      await dispatcher.stop();
      await emailSink.close();
      await store.close();
    },
  };
}

function queueBreakerAlert(store: Store, logger: Logger, reason: string): void {
  const alert = developerAlert({
    dedupeKey: `error:spar-breaker:${new Date().toISOString()}`,
    reason,
  });
  store.enqueueActions('spar-breaker', '', null, [alert]).catch((error: unknown) => {
    logger.error({ err: error }, 'SPAR breaker alert could not be queued');
  });
}
