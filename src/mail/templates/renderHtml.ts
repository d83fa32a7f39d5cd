import type { LegSummary } from '../../decision/types.js';
import type { EmailContent, EmailFact } from './emailContent.js';
import { escapeHtml } from './escapeHtml.js';
import { formatPrice, legTotal, legsTotal } from './money.js';
import { isLegShipped } from './orderFacts.js';

/*
 * Mail clients ignore <style> blocks and most modern CSS, so the layout is nested tables with
 * inline styles only, 600 pixels wide, and every value passes through escapeHtml.
 */

const toneColours: Record<EmailContent['tone'], string> = {
  info: '#1f4e79',
  success: '#2e7d32',
  warning: '#b26a00',
  alert: '#b3261e',
};

const font = 'font-family:Arial,Helvetica,sans-serif;font-size:14px;line-height:20px;color:#222222';
const cell = 'padding:6px 8px;border-bottom:1px solid #e0e0e0;text-align:left;vertical-align:top';
const headerCell = `${cell};background:#f3f3f3;font-weight:bold`;

/** Renders the HTML part as a complete document. */
export function renderHtml(content: EmailContent): string {
  const sections = [
    ...content.paragraphs.map(
      (paragraph) => `<p style="margin:0 0 12px 0">${escapeHtml(paragraph)}</p>`,
    ),
    content.facts.length > 0 ? factsTable(content.facts) : '',
    content.legs !== null ? legsTable(content.legs.rows, content.legs.showShipped) : '',
    ...content.lists.map((list) => listBlock(list.title, list.items)),
    content.preformatted !== null ? preformattedBlock(content.preformatted) : '',
  ].filter((section) => section !== '');

  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(content.subject)}</title></head>`,
    `<body style="margin:0;padding:0;background:#f6f6f6;${font}">`,
    '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f6f6f6">',
    '<tr><td align="center" style="padding:16px 8px">',
    '<table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" style="width:100%;max-width:600px;background:#ffffff;border:1px solid #dddddd">',
    `<tr><td style="background:${toneColours[content.tone]};color:#ffffff;padding:16px 20px;font-family:Arial,Helvetica,sans-serif;font-size:20px;line-height:26px;font-weight:bold">${escapeHtml(content.heading)}</td></tr>`,
    `<tr><td style="padding:16px 20px;${font}">`,
    sections.join('\n'),
    '</td></tr>',
    `<tr><td style="padding:12px 20px;border-top:1px solid #e0e0e0;font-family:Arial,Helvetica,sans-serif;font-size:12px;line-height:16px;color:#777777">${escapeHtml(content.footer)}</td></tr>`,
    '</table>',
    '</td></tr></table>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function factsTable(facts: readonly EmailFact[]): string {
  const rows = facts.map((fact) => {
    const value =
      fact.href === undefined
        ? escapeHtml(fact.value)
        : `<a href="${escapeHtml(fact.href)}" style="color:#1a5fb4">${escapeHtml(fact.value)}</a>`;
    return `<tr><th scope="row" style="${headerCell};width:140px">${escapeHtml(fact.label)}</th><td style="${cell}">${value}</td></tr>`;
  });
  return tableOf(rows);
}

function legsTable(legs: readonly LegSummary[], showShipped: boolean): string {
  const headings = [
    'SKU',
    'Item',
    'Quantity',
    ...(showShipped ? ['Shipped', 'Status'] : []),
    'Assembly each',
    'Assembly total',
  ];
  const header = `<tr>${headings.map((heading) => `<th style="${headerCell}">${heading}</th>`).join('')}</tr>`;

  const rows = legs.map((leg) => {
    const shipped = showShipped
      ? [String(leg.fulfilledQuantity), isLegShipped(leg) ? 'Shipped' : 'Not shipped yet']
      : [];
    const values = [
      leg.sku,
      leg.title ?? '',
      String(leg.quantity),
      ...shipped,
      formatPrice(leg.assemblyPrice),
      legTotal(leg) ?? '',
    ];
    // SKUs contain hyphens that browsers break lines at; keep each SKU on one line.
    const cells = values.map((value, index) => {
      const style = index === 0 ? `${cell};white-space:nowrap` : cell;
      return `<td style="${style}">${escapeHtml(value)}</td>`;
    });
    return `<tr>${cells.join('')}</tr>`;
  });

  const total = legsTotal(legs);
  const footer =
    total === null
      ? []
      : [
          `<tr><td colspan="${headings.length - 1}" style="${cell};font-weight:bold;text-align:right">Total</td><td style="${cell};font-weight:bold">${escapeHtml(total)}</td></tr>`,
        ];

  return `<p style="margin:16px 0 6px 0;font-weight:bold">Assembly items</p>\n${tableOf([header, ...rows, ...footer])}`;
}

function listBlock(title: string, items: readonly string[]): string {
  const entries = items
    .map((item) => `<li style="margin:0 0 4px 0">${escapeHtml(item)}</li>`)
    .join('');
  return `<p style="margin:16px 0 6px 0;font-weight:bold">${escapeHtml(title)}</p>\n<ul style="margin:0 0 12px 0;padding-left:20px">${entries}</ul>`;
}

function preformattedBlock(text: string): string {
  const lines = text
    .trim()
    .split(/\r?\n/)
    .map((line) => escapeHtml(line))
    .join('<br>');
  return `<div style="margin:16px 0 0 0;padding:10px 12px;background:#f7f7f7;border-left:4px solid #cccccc;font-family:Menlo,Consolas,monospace;font-size:13px;line-height:18px;white-space:pre-wrap;word-break:break-word">${lines}</div>`;
}

function tableOf(rows: readonly string[]): string {
  return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;margin:0 0 12px 0;${font}">\n${rows.join('\n')}\n</table>`;
}
