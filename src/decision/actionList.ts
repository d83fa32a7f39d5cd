import type {
  Action,
  EmailDetails,
  EmailKind,
  SparCancelAction,
  SparCreateAction,
} from './types.js';

/**
 * Collects the actions of one decision. Emails carry a dedupe key (the kind, or `kind:cause`
 * for alerts that may repeat when their cause changes); an email whose key was already sent
 * for the order is dropped, which makes every email at most once per order and cause.
 */
export class ActionList {
  readonly actions: Action[] = [];
  private readonly sent: Set<string>;

  constructor(
    emailsSent: readonly string[],
    private readonly baseDetails: EmailDetails,
  ) {
    this.sent = new Set(emailsSent);
  }

  /** Queues an email unless its dedupe key was already sent. Returns whether it was queued. */
  email(kind: EmailKind, details: Partial<EmailDetails> = {}, cause?: string): boolean {
    const dedupeKey = cause === undefined ? kind : `${kind}:${cause}`;
    if (this.sent.has(dedupeKey)) return false;

    this.sent.add(dedupeKey);
    this.actions.push({
      type: 'email',
      kind,
      dedupeKey,
      details: { ...this.baseDetails, ...details },
    });
    return true;
  }

  spar(action: SparCreateAction | SparCancelAction): void {
    this.actions.push(action);
  }

  /** Dedupe keys sent before plus those queued here, in the order they were first sent. */
  get emailsSent(): string[] {
    return [...this.sent];
  }
}

/** `"sent"` or `"already sent"`, for explanations. */
export function sentWord(queued: boolean): string {
  return queued ? 'sent' : 'already sent';
}
