import { describe, expect, it } from 'vitest';
import {
  SparInDoubtError,
  SparPermanentError,
  SparTransientError,
  type SparRequestInfo,
} from '../../src/spar/sparErrors.js';
import {
  classifyCancelResponse,
  classifyCreateResponse,
  classifyLookupResponse,
  classifyTransportError,
  maxRetryAfterMs,
  parseRetryAfterMs,
  toDeliveryResult,
} from '../../src/spar/sparOutcome.js';

const create: SparRequestInfo = { operation: 'create', method: 'POST', path: '/assembly-orders' };
const lookup: SparRequestInfo = { operation: 'lookup', method: 'GET', path: '/assembly-orders' };
const cancel: SparRequestInfo = {
  operation: 'cancel',
  method: 'POST',
  path: '/assembly-orders/SPR-1/cancellation',
};

function response(status: number, data: unknown = {}, retryAfter: string | null = null) {
  return { status, data, retryAfter };
}

describe('classifyCreateResponse', () => {
  it('takes the id of a 201', () => {
    expect(
      classifyCreateResponse(create, response(201, { id: 'SPR-1', status: 'received' })),
    ).toEqual({
      jobId: 'SPR-1',
      existed: false,
    });
  });

  it('treats 409 as created', () => {
    expect(classifyCreateResponse(create, response(409, { id: 'SPR-1' }))).toEqual({
      jobId: 'SPR-1',
      existed: true,
    });
  });

  it('leaves a 201 without id in doubt', () => {
    expect(classifyCreateResponse(create, response(201, ''))).toBeInstanceOf(SparInDoubtError);
  });

  it.each([
    [400, 'SPAR_PAYLOAD_REJECTED'],
    [401, 'SPAR_UNAUTHORIZED'],
    [403, 'SPAR_UNAUTHORIZED'],
    [404, 'SPAR_NOT_FOUND'],
    [422, 'SPAR_PAYLOAD_REJECTED'],
    [302, 'SPAR_UNEXPECTED_STATUS'],
    [418, 'SPAR_UNEXPECTED_STATUS'],
  ])('makes %i permanent', (status, code) => {
    const outcome = classifyCreateResponse(create, response(status));

    expect(outcome).toBeInstanceOf(SparPermanentError);
    expect(outcome).toMatchObject({ code, status, retriable: false });
  });

  it.each([408, 429, 500, 502, 503, 504])('makes %i transient', (status) => {
    const outcome = classifyCreateResponse(create, response(status));

    expect(outcome).toBeInstanceOf(SparTransientError);
    expect(outcome).toMatchObject({ status, retriable: true });
  });

  it('reads Retry-After of a 429', () => {
    expect(classifyCreateResponse(create, response(429, {}, '7'))).toMatchObject({
      code: 'SPAR_RATE_LIMITED',
      retryAfterMs: 7000,
    });
  });
});

describe('classifyLookupResponse', () => {
  it('lists the jobs', () => {
    const items = [{ id: 'SPR-1', externalId: 'gid://shopify/Order/1', status: 'scheduled' }];

    expect(classifyLookupResponse(lookup, response(200, { items }))).toEqual(items);
  });

  it('treats a body without items as transient', () => {
    expect(classifyLookupResponse(lookup, response(200, 'oops'))).toBeInstanceOf(
      SparTransientError,
    );
  });

  it('makes 401 permanent', () => {
    expect(classifyLookupResponse(lookup, response(401))).toBeInstanceOf(SparPermanentError);
  });
});

describe('classifyCancelResponse', () => {
  it('treats 409 as already cancelled', () => {
    expect(classifyCancelResponse(cancel, 'SPR-1', response(409, {}))).toEqual({
      jobId: 'SPR-1',
      alreadyCancelled: true,
    });
  });

  it('makes 404 permanent', () => {
    expect(classifyCancelResponse(cancel, 'SPR-1', response(404))).toMatchObject({
      code: 'SPAR_NOT_FOUND',
      retriable: false,
    });
  });
});

describe('classifyTransportError', () => {
  const timing = { timedOut: false, timeoutMs: 10_000 };

  it.each(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_BAD_RESPONSE'])(
    'leaves a create failing with %s in doubt',
    (code) => {
      expect(classifyTransportError(create, { code }, timing)).toBeInstanceOf(SparInDoubtError);
    },
  );

  it('leaves a timed-out create in doubt', () => {
    const outcome = classifyTransportError(
      create,
      { code: 'ERR_CANCELED' },
      { ...timing, timedOut: true },
    );

    expect(outcome).toBeInstanceOf(SparInDoubtError);
    expect(outcome.message).toContain('timed out after 10000 ms');
  });

  it.each(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'])(
    'makes a create failing with %s transient',
    (code) => {
      const outcome = classifyTransportError(create, { code }, timing);

      expect(outcome).toBeInstanceOf(SparTransientError);
      expect(outcome).not.toBeInstanceOf(SparInDoubtError);
    },
  );

  it('makes a lookup timeout transient', () => {
    expect(classifyTransportError(lookup, { code: 'ECONNABORTED' }, timing)).toMatchObject({
      code: 'SPAR_TIMEOUT',
      retriable: true,
    });
  });
});

describe('parseRetryAfterMs', () => {
  it('reads seconds', () => {
    expect(parseRetryAfterMs('3')).toBe(3000);
  });

  it('reads an HTTP date', () => {
    const now = new Date('2026-12-01T00:00:00Z');

    expect(parseRetryAfterMs('Tue, 01 Dec 2026 00:00:30 GMT', now)).toBe(30_000);
  });

  it('caps long waits', () => {
    expect(parseRetryAfterMs('999999')).toBe(maxRetryAfterMs);
  });

  it('ignores invalid values', () => {
    expect(parseRetryAfterMs('soon')).toBeNull();
    expect(parseRetryAfterMs(null)).toBeNull();
  });
});

describe('toDeliveryResult', () => {
  it('maps in doubt to in_doubt', () => {
    expect(toDeliveryResult(new SparInDoubtError('lost', create)).status).toBe('in_doubt');
  });

  it('maps transient to retry with Retry-After', () => {
    const error = new SparTransientError('SPAR_RATE_LIMITED', 'slow down', {
      ...create,
      status: 429,
      retryAfterMs: 2000,
    });

    expect(toDeliveryResult(error)).toEqual({
      status: 'retry',
      error: 'SPAR_RATE_LIMITED: slow down',
      retryAfterMs: 2000,
    });
  });

  it('maps permanent to failed', () => {
    const error = new SparPermanentError('SPAR_UNAUTHORIZED', 'bad key', {
      ...create,
      status: 401,
    });

    expect(toDeliveryResult(error)).toEqual({
      status: 'failed',
      error: 'SPAR_UNAUTHORIZED: bad key',
    });
  });
});
