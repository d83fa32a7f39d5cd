import { z } from 'zod';

/** The parts of the worker's `GET /healthz` body that the liveness check reads. */
const healthBodySchema = z.object({
  status: z.string(),
  problems: z.array(z.string()).default([]),
  subscriber: z
    .object({
      stream: z.string(),
      lastMessageAt: z.string().nullable(),
      lastAckAt: z.string().nullable(),
      received: z.number(),
      acked: z.number(),
      nacked: z.number(),
      reopenCount: z.number().default(0),
    })
    .nullable()
    .default(null),
  idle: z.boolean().default(false),
  dispatcherLastStepAt: z.string().nullable().default(null),
});

export type HealthBody = z.infer<typeof healthBodySchema>;

/**
 * Result of one health request. Every failure is data, so the check can report it: the worker
 * being down is the case the check exists for.
 */
export type HealthProbe =
  | { outcome: 'unreachable'; url: string; error: string }
  | { outcome: 'invalid_body'; url: string; httpStatus: number; error: string }
  | { outcome: 'answered'; url: string; httpStatus: number; body: HealthBody };

/**
 * Requests `url` once with a deadline of `timeoutMs`. Redirects are not followed, so the check
 * never ends up at another host than the one configured. Never throws.
 */
export async function fetchHealth(url: string, timeoutMs: number): Promise<HealthProbe> {
  const shownUrl = withoutCredentials(url);
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      headers: { accept: 'application/json' },
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    return { outcome: 'unreachable', url: shownUrl, error: describeFetchError(error, timeoutMs) };
  }

  const httpStatus = response.status;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { outcome: 'invalid_body', url: shownUrl, httpStatus, error: 'body is not JSON' };
  }
  const parsed = healthBodySchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined ? '' : `${issue.path.join('.')}: `;
    return {
      outcome: 'invalid_body',
      url: shownUrl,
      httpStatus,
      error: `body is not a health report (${where}${issue?.message ?? 'invalid'})`,
    };
  }
  return { outcome: 'answered', url: shownUrl, httpStatus, body: parsed.data };
}

/** Returns the URL without user and password, so it can go into logs and emails. */
export function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '(invalid URL)';
  }
}

/** Names the cause of a failed fetch: undici puts the socket error, such as ECONNREFUSED, in `cause`. */
function describeFetchError(error: unknown, timeoutMs: number): string {
  if (error instanceof DOMException && error.name === 'TimeoutError') {
    return `no answer within ${timeoutMs} ms`;
  }
  if (error instanceof Error) {
    const cause = error.cause;
    if (cause instanceof Error) {
      const code = (cause as NodeJS.ErrnoException).code;
      if (code === undefined || cause.message.includes(code)) return cause.message;
      return `${code}: ${cause.message}`;
    }
    return error.message;
  }
  return String(error);
}
