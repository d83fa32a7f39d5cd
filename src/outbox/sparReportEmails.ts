import type { EmailKind, SparCancelAction, SparCreateAction } from '../decision/types.js';

type SparCallType = SparCreateAction['type'] | SparCancelAction['type'];

/**
 * Emails that announce a SPAR call to the owners. Such an email waits until its call is done
 * and fails with it, and a retry of the call retries it too. A SPAR call's type is also its
 * dedupe key within the order.
 */
const reportEmailOfCall: Record<SparCallType, EmailKind> = {
  'spar.create': 'spar_posted',
  'spar.cancel': 'spar_cancelled',
};

/** Returns the email kind that reports a SPAR call, or undefined for any other action type. */
export function reportEmailOf(actionType: string): EmailKind | undefined {
  return Object.hasOwn(reportEmailOfCall, actionType)
    ? reportEmailOfCall[actionType as SparCallType]
    : undefined;
}

/** Returns the SPAR call type an email reports, or undefined for an email that reports none. */
export function reportedCallOf(kind: EmailKind): SparCallType | undefined {
  const entry = Object.entries(reportEmailOfCall).find(([, email]) => email === kind);
  return entry?.[0] as SparCallType | undefined;
}
