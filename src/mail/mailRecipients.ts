import type { Config } from '../config/config.js';
import type { EmailKind } from '../decision/types.js';

/** Kinds for the developers' list; every other kind is business mail for the owners. */
export const developerKinds: ReadonlySet<EmailKind> = new Set([
  'error',
  'liveness_ok',
  'liveness_down',
]);

/** Returns the recipients of a kind: `MAIL_DEV_TO` for alerts and liveness, `MAIL_OPS_TO` otherwise. */
export function recipientsFor(
  kind: EmailKind,
  mail: Pick<Config['mail'], 'opsTo' | 'devTo'>,
): readonly string[] {
  return developerKinds.has(kind) ? mail.devTo : mail.opsTo;
}
