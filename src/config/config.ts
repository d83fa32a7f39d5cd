import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../errors.js';

const bundledCatalogDir = new URL('../../fixtures/catalog/', import.meta.url);

const emptyAsUndefined = (value: unknown): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

const optionalString = z.preprocess(emptyAsUndefined, z.string().trim().optional());

const emailList = z.preprocess(
  emptyAsUndefined,
  z
    .string()
    .optional()
    .transform((value) =>
      (value ?? '')
        .split(',')
        .map((address) => address.trim())
        .filter((address) => address !== ''),
    )
    .pipe(z.array(z.email({ error: 'expected comma-separated email addresses' }))),
);

const positiveInt = (fallback: number) =>
  z.preprocess(
    emptyAsUndefined,
    z.coerce
      .number({ error: 'expected a positive whole number' })
      .int({ error: 'expected a positive whole number' })
      .positive({ error: 'expected a positive whole number' })
      .default(fallback),
  );

const booleanFlag = (fallback: boolean) =>
  z.preprocess(
    emptyAsUndefined,
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'expected true or false' })
      .optional()
      .transform((value) =>
        value === undefined ? fallback : ['true', '1', 'yes'].includes(value),
      ),
  );

const databaseUrl = z
  .preprocess(emptyAsUndefined, z.string().default('sqlite:./var/spar-bridge.db'))
  .refine((value) => /^(sqlite:|postgres(ql)?:\/\/)/.test(value), {
    error: 'expected sqlite:PATH or postgres://USER@HOST:PORT/DATABASE',
  });

const httpUrl = z.preprocess(
  emptyAsUndefined,
  z
    .url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' })
    .transform((value) => value.replace(/\/+$/, ''))
    .optional(),
);

const smtpUrl = z.preprocess(
  emptyAsUndefined,
  z
    .url({
      protocol: /^smtps?$/,
      error: 'expected smtp://HOST:PORT or smtps://USER:PASSWORD@HOST:465',
    })
    .optional(),
);

const cancelReasons = z.preprocess(
  emptyAsUndefined,
  z
    .string()
    .optional()
    .transform((value) => {
      if (value === undefined || value.trim() === '*') return null;
      return value
        .split(',')
        .map((reason) => reason.trim().toLowerCase())
        .filter((reason) => reason !== '');
    }),
);

const logLevel = z.preprocess(
  emptyAsUndefined,
  z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
);

/** Every environment variable spar-bridge reads, with its default. */
const envSchema = z.object({
  DATABASE_URL: databaseUrl,
  PUBSUB_PROJECT_ID: optionalString,
  PUBSUB_SUBSCRIPTION: optionalString,
  PUBSUB_EMULATOR_HOST: optionalString,
  PUBSUB_MAX_MESSAGES: positiveInt(20),
  PUBSUB_DEAD_LETTER_ATTEMPTS: positiveInt(5),
  SPAR_BASE_URL: httpUrl,
  SPAR_API_KEY: optionalString,
  SPAR_TIMEOUT_MS: positiveInt(10_000),
  SMTP_URL: smtpUrl,
  MAIL_FROM: z.preprocess(
    emptyAsUndefined,
    z.string().default('spar-bridge <spar-bridge@localhost>'),
  ),
  MAIL_OPS_TO: emailList,
  MAIL_DEV_TO: emailList,
  MAIL_DIR: z.preprocess(emptyAsUndefined, z.string().default('./var/mail')),
  CATALOG_SKUS_FILE: z.preprocess(
    emptyAsUndefined,
    z.string().default(new URL('skus.csv', bundledCatalogDir).pathname),
  ),
  CATALOG_ZIPS_FILE: z.preprocess(
    emptyAsUndefined,
    z.string().default(new URL('zips.csv', bundledCatalogDir).pathname),
  ),
  NOTIFY_NO_ASSEMBLY: booleanFlag(true),
  OUTBOX_ALERT_AFTER_MINUTES: positiveInt(360),
  SPAR_CANCEL_REASONS: cancelReasons,
  PORT: z.preprocess(
    emptyAsUndefined,
    z.coerce
      .number({ error: 'expected a port number from 0 to 65535' })
      .int({ error: 'expected a port number from 0 to 65535' })
      .min(0, { error: 'expected a port number from 0 to 65535' })
      .max(65_535, { error: 'expected a port number from 0 to 65535' })
      .default(3000),
  ),
  LOG_LEVEL: logLevel,
});

/** Validated, frozen configuration. Built once by `loadConfig` and passed to every component. */
export interface Config {
  databaseUrl: string;
  pubsub: {
    projectId: string | undefined;
    subscription: string | undefined;
    emulatorHost: string | undefined;
    /** Flow control: messages held by the client at once. */
    maxMessages: number;
    /** Delivery attempts after which Pub/Sub dead-letters a message and spar-bridge alerts. */
    deadLetterAttempts: number;
  };
  spar: {
    /** Unset: SPAR actions are recorded, not sent. */
    baseUrl: string | undefined;
    apiKey: string | undefined;
    timeoutMs: number;
  };
  mail: {
    /** Unset: emails are written as .eml files under `dir`. */
    smtpUrl: string | undefined;
    from: string;
    opsTo: string[];
    devTo: string[];
    dir: string;
  };
  catalog: { skusFile: string; zipsFile: string };
  rules: { notifyNoAssembly: boolean; cancelReasons: string[] | null };
  /** An action still undelivered this long after it was queued alerts the developers once. */
  outboxAlertAfterMs: number;
  port: number;
  logLevel: z.infer<typeof logLevel>;
}

/**
 * Reads and validates the environment. Throws a `ConfigError` that lists every problem at
 * once, each with the variable name and the expected form.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const parsed = envSchema.safeParse(env);
  const problems = [
    ...(parsed.success
      ? []
      : parsed.error.issues.map(
          (issue) => `  ${String(issue.path[0] ?? '(environment)')}: ${issue.message}`,
        )),
    ...missingCompanions(env),
  ];
  if (!parsed.success || problems.length > 0) {
    throw new ConfigError(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        `${problems.join('\n')}\nFix these variables (see .env.example) and start again.`,
    );
  }

  const values = parsed.data;
  return deepFreeze({
    databaseUrl: values.DATABASE_URL,
    pubsub: {
      projectId: values.PUBSUB_PROJECT_ID,
      subscription: values.PUBSUB_SUBSCRIPTION,
      emulatorHost: values.PUBSUB_EMULATOR_HOST,
      maxMessages: values.PUBSUB_MAX_MESSAGES,
      deadLetterAttempts: values.PUBSUB_DEAD_LETTER_ATTEMPTS,
    },
    spar: {
      baseUrl: values.SPAR_BASE_URL,
      apiKey: values.SPAR_API_KEY,
      timeoutMs: values.SPAR_TIMEOUT_MS,
    },
    mail: {
      smtpUrl: values.SMTP_URL,
      from: values.MAIL_FROM,
      opsTo: values.MAIL_OPS_TO,
      devTo: values.MAIL_DEV_TO,
      dir: path.resolve(values.MAIL_DIR),
    },
    catalog: { skusFile: values.CATALOG_SKUS_FILE, zipsFile: values.CATALOG_ZIPS_FILE },
    rules: {
      notifyNoAssembly: values.NOTIFY_NO_ASSEMBLY,
      cancelReasons: values.SPAR_CANCEL_REASONS,
    },
    outboxAlertAfterMs: values.OUTBOX_ALERT_AFTER_MINUTES * 60_000,
    port: values.PORT,
    logLevel: values.LOG_LEVEL,
  });
}

function deepFreeze<T>(value: T): Readonly<T> {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** Variables that another variable makes required, checked on the raw values. */
function missingCompanions(env: NodeJS.ProcessEnv): string[] {
  const isSet = (name: string): boolean => (env[name] ?? '').trim() !== '';
  const problems: string[] = [];
  if (isSet('SPAR_BASE_URL') && !isSet('SPAR_API_KEY')) {
    problems.push('  SPAR_API_KEY: missing; it is required when SPAR_BASE_URL is set');
  }
  if (isSet('PUBSUB_SUBSCRIPTION') && !isSet('PUBSUB_PROJECT_ID')) {
    problems.push('  PUBSUB_PROJECT_ID: missing; it is required when PUBSUB_SUBSCRIPTION is set');
  }
  if (isSet('SMTP_URL') && !isSet('MAIL_OPS_TO')) {
    problems.push('  MAIL_OPS_TO: missing; the owners need an address when SMTP_URL is set');
  }
  if (isSet('SMTP_URL') && !isSet('MAIL_DEV_TO')) {
    problems.push('  MAIL_DEV_TO: missing; the developers need an address when SMTP_URL is set');
  }
  return problems;
}
