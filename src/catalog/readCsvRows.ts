import { parse } from 'csv-parse/sync';

/**
 * Splits CSV text into rows of trimmed cells. Blank lines stay in as rows of empty cells, so
 * a row's index + 1 is its line number in the file, as a person editing the file sees it
 * (multi-line quoted cells aside). Throws csv-parse's error on text that is not CSV.
 */
export function readCsvRows(text: string): string[][] {
  return parse(text, {
    bom: true,
    trim: true,
    relax_column_count: true,
    skip_empty_lines: false,
  });
}

/** True for a row with no content: a blank line, or a sheet row whose cells are all empty. */
export function isBlankRow(row: readonly string[]): boolean {
  return row.every((cell) => cell.trim() === '');
}

/** Column index of `name` in a header row (case-insensitive), or -1. */
export function columnIndex(header: readonly string[], name: string): number {
  return header.findIndex((cell) => cell.trim().toLowerCase() === name);
}
