import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { loadLivenessConfig } from '../../src/liveness/livenessConfig.js';

function configError(env: NodeJS.ProcessEnv, port: number): ConfigError {
  try {
    loadLivenessConfig(env, port);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected loadLivenessConfig to throw a ConfigError');
}

describe('loadLivenessConfig', () => {
  it('defaults to the local worker', () => {
    expect(loadLivenessConfig({}, 3000).healthUrl).toBe('http://127.0.0.1:3000/healthz');
  });

  it('treats empty as unset', () => {
    expect(loadLivenessConfig({ LIVENESS_HEALTH_URL: ' ' }, 8080).healthUrl).toBe(
      'http://127.0.0.1:8080/healthz',
    );
  });

  it('takes LIVENESS_HEALTH_URL', () => {
    const config = loadLivenessConfig(
      { LIVENESS_HEALTH_URL: 'https://bridge.internal:8443/healthz' },
      3000,
    );

    expect(config.healthUrl).toBe('https://bridge.internal:8443/healthz');
  });

  it('rejects a non-HTTP URL', () => {
    const error = configError({ LIVENESS_HEALTH_URL: 'ftp://127.0.0.1/healthz' }, 3000);

    expect(error.message).toContain(
      'LIVENESS_HEALTH_URL or --health-url: expected the http:// or https:// URL',
    );
  });

  it('rejects text that is no URL', () => {
    const error = configError({ LIVENESS_HEALTH_URL: 'localhost' }, 3000);

    expect(error.message).toContain('LIVENESS_HEALTH_URL');
  });

  it('requires the URL when PORT is 0', () => {
    const error = configError({}, 0);

    expect(error.message).toContain('LIVENESS_HEALTH_URL: missing; it is required when PORT is 0');
  });
});
