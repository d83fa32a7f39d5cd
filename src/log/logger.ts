import pino, { type Logger } from 'pino';

/**
 * Paths pino replaces with `[redacted]`: secrets, and customer contact fields wherever a
 * Shopify body or SPAR payload ends up in a log object.
 */
export const redactedPaths = [
  'apiKey',
  'password',
  'authorization',
  'Authorization',
  '*.apiKey',
  '*.password',
  '*.authorization',
  '*.Authorization',
  'headers.authorization',
  'headers.Authorization',
  '*.headers.authorization',
  '*.headers.Authorization',
  'config.headers',
  '*.config.headers',
  'smtpUrl',
  '*.smtpUrl',
  'email',
  'phone',
  'customer',
  'shipping_address',
  'billing_address',
  'address',
  '*.email',
  '*.phone',
  '*.customer',
  '*.shipping_address',
  '*.billing_address',
  '*.address',
];

export interface LoggerOptions {
  level?: string;
  /** Pretty, coloured lines for people; JSON otherwise. Defaults to whether stdout is a terminal. */
  pretty?: boolean;
  /** Where JSON lines go; defaults to stdout. Tests pass a stream to read them back. */
  destination?: pino.DestinationStream;
}

/** Creates the root logger. Components receive it, or a child bound to their ids, as an argument. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const base: pino.LoggerOptions = {
    level: options.level ?? 'info',
    base: { service: 'spar-bridge' },
    redact: { paths: redactedPaths, censor: '[redacted]' },
    serializers: { err: pino.stdSerializers.err },
  };

  if (options.destination !== undefined) return pino(base, options.destination);

  const pretty = options.pretty ?? process.stdout.isTTY;
  if (pretty) {
    return pino({
      ...base,
      transport: {
        target: 'pino-pretty',
        options: { colorize: true, ignore: 'pid,hostname,service' },
      },
    });
  }
  return pino(base);
}

export type { Logger };
