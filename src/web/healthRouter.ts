import { Router } from 'express';
import type { OutboxBacklog } from '../store/types.js';
import type { SubscriberHealth } from '../worker/pubsubWorker.js';

export interface HealthSources {
  /** Undefined when the worker runs without a subscription (HTTP only). */
  subscriber: () => SubscriberHealth | undefined;
  backlog: () => Promise<OutboxBacklog>;
  dispatcherLastStepAt: () => Date | null;
  /** A subscriber that reports no message for this long while open is flagged as idle. */
  idleWarningMs: number;
  clock?: () => Date;
}

/**
 * `GET /healthz`: 200 when the subscription stream is open and the outbox is moving, 503
 * otherwise. The body lists the problems, so a subscription that silently stopped is visible even
 * while the process is alive.
 */
export function healthRouter(sources: HealthSources): Router {
  const router = Router();
  const clock = sources.clock ?? (() => new Date());

  router.get('/healthz', async (_request, response) => {
    const now = clock();
    const problems: string[] = [];
    const subscriber = sources.subscriber();
    if (subscriber !== undefined && subscriber.stream !== 'open') {
      problems.push(`subscription stream is ${subscriber.stream}`);
    }
    if (subscriber?.probeError != null) {
      problems.push(`Pub/Sub subscription lookup failed: ${subscriber.probeError}`);
    }

    let backlog: OutboxBacklog | null = null;
    try {
      backlog = await sources.backlog();
    } catch (error) {
      problems.push(`database unavailable: ${(error as Error).message}`);
    }

    const lastStepAt = sources.dispatcherLastStepAt();
    if (lastStepAt !== null && now.getTime() - lastStepAt.getTime() > 5 * 60_000) {
      problems.push('outbox dispatcher has not run for over 5 minutes');
    }

    const lastMessageAt = subscriber?.lastMessageAt ?? null;
    const idle =
      lastMessageAt !== null && now.getTime() - Date.parse(lastMessageAt) > sources.idleWarningMs;
    response.status(problems.length === 0 ? 200 : 503).json({
      status: problems.length === 0 ? 'ok' : 'unhealthy',
      problems,
      subscriber: subscriber ?? null,
      idle,
      outbox: backlog,
      dispatcherLastStepAt: lastStepAt?.toISOString() ?? null,
      checkedAt: now.toISOString(),
    });
  });
  return router;
}
