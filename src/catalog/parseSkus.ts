import { normalizeSku, parsePriceCents } from '../decision/normalize.js';
import type { AssemblySku } from './catalog.js';
import { columnIndex, isBlankRow, readCsvRows } from './readCsvRows.js';

export interface ParsedSkus {
  /** Keyed by normalised SKU (see `normalizeSku`). */
  skus: Map<string, AssemblySku>;
  /** One line per skipped row, naming the row, the value and the fix. */
  warnings: string[];
}

/** Parses the SKU catalog from CSV text with the header `sku,assembly_price`. */
export function parseSkuCsv(text: string): ParsedSkus {
  return parseSkuRows(readCsvRows(text));
}

/**
 * Parses the SKU catalog from rows, the first of which is the header `sku,assembly_price`
 * (columns found by name, in any order). Row numbers in warnings count from 1 at the
 * header, as a spreadsheet numbers them. A row with a missing or invalid price is skipped,
 * never priced 0; a SKU listed twice keeps its first row.
 */
export function parseSkuRows(rows: readonly (readonly string[])[]): ParsedSkus {
  const skus = new Map<string, AssemblySku>();
  const warnings: string[] = [];
  const columns = findColumns(rows[0] ?? []);
  if (columns === null) {
    warnings.push(
      'row 1: header sku,assembly_price not found; reading column A as sku and B as assembly_price (add the header row)',
    );
  }

  const { sku: skuColumn, price: priceColumn } = columns ?? { sku: 0, price: 1 };
  rows.forEach((row, index) => {
    if ((columns !== null && index === 0) || isBlankRow(row)) return;

    const warning = addSkuRow(skus, index + 1, row[skuColumn] ?? '', row[priceColumn] ?? '');
    if (warning !== null) warnings.push(warning);
  });
  return { skus, warnings };
}

function findColumns(header: readonly string[]): { sku: number; price: number } | null {
  const sku = columnIndex(header, 'sku');
  const price = columnIndex(header, 'assembly_price');
  return sku === -1 || price === -1 ? null : { sku, price };
}

/** Adds one row to `skus`; returns the warning when the row is skipped. */
function addSkuRow(
  skus: Map<string, AssemblySku>,
  rowNumber: number,
  rawSku: string,
  rawPrice: string,
): string | null {
  const sku = rawSku.trim();
  const price = rawPrice.trim();
  const key = normalizeSku(sku);
  if (key === null) {
    return `row ${rowNumber}: no sku (assembly_price "${price}"); row skipped (fill in the sku or delete the row)`;
  }
  if (price === '') {
    return `row ${rowNumber}: sku ${sku} has no assembly_price; row skipped, never priced 0 (write a price such as 149.00)`;
  }

  const cents = parsePriceCents(price);
  if (cents === null || cents === 0) {
    return `row ${rowNumber}: sku ${sku} has an invalid assembly_price "${price}"; row skipped (write a price above 0 such as 149, 149.00 or $1,299.00)`;
  }
  if (skus.has(key)) {
    return `row ${rowNumber}: sku ${sku} is listed again; row skipped, the first row wins (delete one of the rows)`;
  }

  skus.set(key, { sku, assemblyPriceCents: cents });
  return null;
}
