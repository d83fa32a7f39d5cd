import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { ConfigError } from '../../src/errors.js';

function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected loadConfig to throw a ConfigError');
}

describe('loadConfig', () => {
  it('uses embedded defaults when empty', () => {
    const config = loadConfig({});

    expect(config.databaseUrl).toBe('sqlite:./var/spar-bridge.db');
    expect(config.spar.baseUrl).toBeUndefined();
    expect(config.spar.timeoutMs).toBe(10_000);
    expect(config.mail.smtpUrl).toBeUndefined();
    expect(config.port).toBe(3000);
    expect(config.rules.cancelReasons).toBeNull();
    expect(config.rules.notifyNoAssembly).toBe(true);
    expect(config.catalog.skusFile).toMatch(/fixtures\/catalog\/skus\.csv$/);
  });

  it('treats empty strings as unset', () => {
    const config = loadConfig({ SPAR_BASE_URL: '', PORT: ' ', SMTP_URL: '' });

    expect(config.spar.baseUrl).toBeUndefined();
    expect(config.port).toBe(3000);
  });

  it('lists every problem in one message', () => {
    const error = configError({
      DATABASE_URL: 'mysql://localhost/db',
      SPAR_TIMEOUT_MS: 'abc',
      PORT: '99999',
      SMTP_URL: 'http://mail.example.com',
      MAIL_OPS_TO: 'not-an-email',
      NOTIFY_NO_ASSEMBLY: 'maybe',
    });

    expect(error.message).toContain('7 problems');
    expect(error.message).toContain('MAIL_DEV_TO: missing');
    expect(error.message).toContain('DATABASE_URL');
    expect(error.message).toContain('SPAR_TIMEOUT_MS');
    expect(error.message).toContain('PORT');
    expect(error.message).toContain('SMTP_URL: expected smtp://');
    expect(error.message).toContain('MAIL_OPS_TO: expected comma-separated email addresses');
    expect(error.message).toContain('NOTIFY_NO_ASSEMBLY: expected true or false');
    expect(error.message).toContain('see .env.example');
  });

  it('requires the key with a SPAR URL', () => {
    const error = configError({ SPAR_BASE_URL: 'http://127.0.0.1:4010', PORT: 'x' });

    expect(error.message).toContain('2 problems');
    expect(error.message).toContain('SPAR_API_KEY: missing');
    expect(error.message).toContain('PORT: expected a port number');
  });

  it('requires both lists with SMTP', () => {
    const error = configError({ SMTP_URL: 'smtp://127.0.0.1:2525' });

    expect(error.message).toContain('MAIL_OPS_TO: missing');
    expect(error.message).toContain('MAIL_DEV_TO: missing');
  });

  it('parses lists, reasons and trailing slashes', () => {
    const config = loadConfig({
      SPAR_BASE_URL: 'https://spar.example.com/api/',
      SPAR_API_KEY: 'key',
      SMTP_URL: 'smtps://user:pass@127.0.0.1:465',
      MAIL_OPS_TO: 'a@example.com, b@example.com',
      MAIL_DEV_TO: 'dev@example.com',
      SPAR_CANCEL_REASONS: 'Customer, fraud',
    });

    expect(config.spar.baseUrl).toBe('https://spar.example.com/api');
    expect(config.mail.opsTo).toEqual(['a@example.com', 'b@example.com']);
    expect(config.rules.cancelReasons).toEqual(['customer', 'fraud']);
  });

  it('returns a frozen object', () => {
    const config = loadConfig({});

    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.mail)).toBe(true);
    expect(Object.isFrozen(config.mail.opsTo)).toBe(true);
  });
});
