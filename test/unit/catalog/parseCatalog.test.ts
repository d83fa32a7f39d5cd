import { describe, expect, it } from 'vitest';
import { parseSkuCsv, parseSkuRows } from '../../../src/catalog/parseSkus.js';
import { parseZipList, parseZipRows } from '../../../src/catalog/parseZips.js';

describe('parseSkuCsv', () => {
  it('reads prices written 149, 149.00 and $1,299.00 into cents', () => {
    const { skus, warnings } = parseSkuCsv(
      'sku,assembly_price\nDESK-72-ASM,149.00\nDESK-60-ASM,129\nWARDROBE-2D-ASM,"$1,299.00"\n',
    );

    expect(warnings).toEqual([]);
    expect(skus.get('DESK-72-ASM')).toEqual({ sku: 'DESK-72-ASM', assemblyPriceCents: 14_900 });
    expect(skus.get('DESK-60-ASM')).toEqual({ sku: 'DESK-60-ASM', assemblyPriceCents: 12_900 });
    expect(skus.get('WARDROBE-2D-ASM')).toEqual({
      sku: 'WARDROBE-2D-ASM',
      assemblyPriceCents: 129_900,
    });
  });

  it('skips a row with no price, with a warning naming the row, never pricing it 0', () => {
    const { skus, warnings } = parseSkuCsv(
      'sku,assembly_price\nDESK-72-ASM,149.00\nCHAIR-ERGO-ASM,\nBED-QUEEN-ASM\n',
    );

    expect([...skus.keys()]).toEqual(['DESK-72-ASM']);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(
      /^row 3: sku CHAIR-ERGO-ASM has no assembly_price; row skipped, never priced 0/,
    );
    expect(warnings[1]).toMatch(/^row 4: sku BED-QUEEN-ASM has no assembly_price/);
  });

  it('skips a row with an invalid or zero price, naming the value and the fix', () => {
    const { skus, warnings } = parseSkuCsv(
      'sku,assembly_price\nDESK-72-ASM,about 150\nDESK-60-ASM,0.00\n',
    );

    expect(skus.size).toBe(0);
    expect(warnings[0]).toContain(
      'row 2: sku DESK-72-ASM has an invalid assembly_price "about 150"',
    );
    expect(warnings[0]).toContain('write a price above 0');
    expect(warnings[1]).toContain('row 3: sku DESK-60-ASM has an invalid assembly_price "0.00"');
  });

  it('keys SKUs normalised and keeps the catalog spelling', () => {
    const { skus } = parseSkuCsv('sku,assembly_price\n  Desk-72-Asm , 149\n');
    expect(skus.get('DESK-72-ASM')).toEqual({ sku: 'Desk-72-Asm', assemblyPriceCents: 14_900 });
  });

  it('keeps the first row of a SKU listed twice and warns about the second', () => {
    const { skus, warnings } = parseSkuCsv(
      'sku,assembly_price\nDESK-72-ASM,149\ndesk-72-asm,199\n',
    );
    expect(skus.get('DESK-72-ASM')?.assemblyPriceCents).toBe(14_900);
    expect(warnings).toEqual([expect.stringContaining('row 3: sku desk-72-asm is listed again')]);
  });

  it('ignores blank lines, a byte order mark and CRLF line ends, and counts rows as lines', () => {
    const { skus, warnings } = parseSkuCsv(
      '\ufeffsku,assembly_price\r\n\r\nDESK-72-ASM,149\r\n,12\r\n',
    );
    expect([...skus.keys()]).toEqual(['DESK-72-ASM']);
    expect(warnings).toEqual([expect.stringContaining('row 4: no sku')]);
  });

  it('finds the columns by header name', () => {
    const { skus } = parseSkuCsv('assembly_price,note,sku\n149,bestseller,DESK-72-ASM\n');
    expect(skus.get('DESK-72-ASM')?.assemblyPriceCents).toBe(14_900);
  });

  it('reads columns A and B with a warning when the header is missing', () => {
    const { skus, warnings } = parseSkuCsv('DESK-72-ASM,149\n');
    expect(skus.get('DESK-72-ASM')?.assemblyPriceCents).toBe(14_900);
    expect(warnings).toEqual([
      expect.stringContaining('row 1: header sku,assembly_price not found'),
    ]);
  });
});

describe('parseSkuRows', () => {
  it('applies the same rules to rows from a spreadsheet, with empty rows and short rows', () => {
    const { skus, warnings } = parseSkuRows([
      ['SKU', 'Assembly_Price'],
      ['DESK-72-ASM', '$149.00'],
      [],
      ['', ''],
      ['CHAIR-ERGO-ASM'],
    ]);
    expect([...skus.keys()]).toEqual(['DESK-72-ASM']);
    expect(warnings).toEqual([
      expect.stringContaining('row 5: sku CHAIR-ERGO-ASM has no assembly_price'),
    ]);
  });
});

describe('parseZipList', () => {
  it('reads one ZIP per line without a header', () => {
    const { zips, warnings } = parseZipList('02134\n02135\n');
    expect([...zips]).toEqual(['02134', '02135']);
    expect(warnings).toEqual([]);
  });

  it('skips the optional zip header', () => {
    const { zips } = parseZipList('zip\n02134\n10001\n');
    expect([...zips]).toEqual(['02134', '10001']);
  });

  it('restores leading zeros a spreadsheet dropped', () => {
    const { zips } = parseZipList('zip\n2134\n2138\n501\n');
    expect([...zips]).toEqual(['02134', '02138', '00501']);
  });

  it('reads the zip column of a CSV with other columns', () => {
    const { zips } = parseZipList('city,zip\nBoston,02134\nChicago,60614\n');
    expect([...zips]).toEqual(['02134', '60614']);
  });

  it('skips a malformed ZIP with a warning naming the row and value', () => {
    const { zips, warnings } = parseZipList('zip\n02134\nBoston\n0213\n');
    expect([...zips]).toEqual(['02134']);
    expect(warnings).toEqual([
      'row 3: "Boston" is not a US ZIP code; row skipped (write 5 digits such as 02134)',
      'row 4: "0213" is not a US ZIP code; row skipped (write 5 digits such as 02134)',
    ]);
  });
});

describe('parseZipRows', () => {
  it('applies the same rules to rows from a spreadsheet', () => {
    const { zips } = parseZipRows([['Zip'], ['2134'], [], ['94103-1234']]);
    expect([...zips]).toEqual(['02134', '94103']);
  });
});
