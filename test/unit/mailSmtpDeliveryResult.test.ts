import { describe, expect, it } from 'vitest';
import { smtpDeliveryResult } from '../../src/mail/smtpDeliveryResult.js';

function smtpError(fields: Record<string, unknown>): Error {
  const message = typeof fields.response === 'string' ? fields.response : 'failed';
  return Object.assign(new Error(message), fields);
}

describe('smtpDeliveryResult', () => {
  it.each([
    [
      '550 on RCPT TO',
      {
        code: 'EENVELOPE',
        command: 'RCPT TO:<ops@sample-furniture.test>',
        responseCode: 550,
        permanent: true,
        response: '550 Mailbox unavailable',
      },
      'failed',
    ],
    [
      '552 on DATA',
      {
        code: 'EMESSAGE',
        command: 'DATA',
        responseCode: 552,
        permanent: true,
        response: '552 Message too large',
      },
      'failed',
    ],
    [
      '421 greeting',
      {
        code: 'EPROTOCOL',
        command: 'CONN',
        responseCode: 421,
        permanent: false,
        response: '421 Try later',
      },
      'retry',
    ],
    [
      '450 on RCPT TO',
      {
        code: 'EENVELOPE',
        command: 'RCPT TO:<ops@sample-furniture.test>',
        responseCode: 450,
        permanent: false,
      },
      'retry',
    ],
    [
      '503 bad sequence',
      { code: 'EENVELOPE', command: 'DATA', responseCode: 503, permanent: false },
      'retry',
    ],
    [
      '535 login',
      {
        code: 'EAUTH',
        command: 'AUTH PLAIN',
        responseCode: 535,
        permanent: true,
        response: '535 Username and Password not accepted',
      },
      'retry',
    ],
    ['refused connection', { code: 'ESOCKET', originalCode: 'ECONNREFUSED' }, 'retry'],
    ['timeout', { code: 'ETIMEDOUT', timeoutType: 'GREETING_TIMEOUT' }, 'retry'],
    ['aborted send', { code: 'EABORT', name: 'AbortError' }, 'retry'],
    ['bad configuration', { code: 'ECONFIG' }, 'failed'],
  ] as const)('%s', (_name, fields, expected) => {
    expect(smtpDeliveryResult(smtpError(fields)).status).toBe(expected);
  });

  it('describes the reply without the address', () => {
    const result = smtpDeliveryResult(
      smtpError({
        code: 'EENVELOPE',
        command: 'RCPT TO:<ops@sample-furniture.test>',
        responseCode: 550,
        response: '550 5.1.1 Mailbox unavailable',
      }),
    );

    expect(result).toEqual({
      status: 'failed',
      error: 'EENVELOPE during RCPT TO reply 550: 550 5.1.1 Mailbox unavailable',
    });
  });
});
