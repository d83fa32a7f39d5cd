import type { LegSummary } from '../../decision/types.js';

/** One labelled value in the facts table; `href` makes the value a link. */
export interface EmailFact {
  label: string;
  value: string;
  href?: string;
}

/** A bulleted list with a title, such as the legs still waiting to ship. */
export interface EmailList {
  title: string;
  items: string[];
}

/**
 * Content of one email, independent of its format. The text and HTML renderers both read it,
 * so the two parts always carry the same facts.
 */
export interface EmailContent {
  subject: string;
  heading: string;
  /** Colour of the heading band in the HTML part. */
  tone: 'info' | 'success' | 'warning' | 'alert';
  paragraphs: string[];
  facts: EmailFact[];
  /** Assembly legs as a table; `showShipped` adds the shipped quantity and status columns. */
  legs: { rows: LegSummary[]; showShipped: boolean } | null;
  lists: EmailList[];
  /** Multi-line text kept line by line, such as the liveness summary. */
  preformatted: string | null;
  footer: string;
}
