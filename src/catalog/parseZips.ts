import { normalizeZip } from '../decision/normalize.js';
import { columnIndex, isBlankRow, readCsvRows } from './readCsvRows.js';

export interface ParsedZips {
  /** Normalised 5-digit ZIP strings (see `normalizeZip`). */
  zips: Set<string>;
  /** One line per skipped row, naming the row, the value and the fix. */
  warnings: string[];
}

/** Parses SPAR's coverage list: one ZIP per line or a CSV, with an optional header `zip`. */
export function parseZipList(text: string): ParsedZips {
  return parseZipRows(readCsvRows(text));
}

/**
 * Parses the coverage list from rows. When the first row has a `zip` cell it is the header
 * and names the column; otherwise every row is data and the ZIP is the first cell. ZIPs that
 * lost their leading zeros in a spreadsheet (`2134`) mean `02134`. Row numbers in warnings
 * count from 1 at the first row.
 */
export function parseZipRows(rows: readonly (readonly string[])[]): ParsedZips {
  const zips = new Set<string>();
  const warnings: string[] = [];
  const headerColumn = columnIndex(rows[0] ?? [], 'zip');
  const column = Math.max(headerColumn, 0);

  rows.forEach((row, index) => {
    if ((headerColumn !== -1 && index === 0) || isBlankRow(row)) return;

    const raw = (row[column] ?? '').trim();
    const zip = normalizeZip(raw);
    if (zip === null) {
      warnings.push(
        `row ${index + 1}: "${raw}" is not a US ZIP code; row skipped (write 5 digits such as 02134)`,
      );
      return;
    }
    zips.add(zip);
  });
  return { zips, warnings };
}
