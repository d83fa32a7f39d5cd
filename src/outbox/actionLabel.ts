import type { Action } from '../decision/types.js';

/** Returns the short label logs, alerts and reports use for an action: `email:<kind>` or the SPAR type. */
export function actionLabel(action: Pick<Action, 'type'> & { kind?: string }): string {
  return action.type === 'email' ? `email:${action.kind ?? ''}` : action.type;
}
