import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CatalogUnavailableError } from '../../../src/catalog/catalogErrors.js';
import { CsvCatalogSource } from '../../../src/catalog/csvCatalogSource.js';
import { createLogger } from '../../../src/log/logger.js';

const bundled = (name: string) =>
  new URL(`../../../fixtures/catalog/${name}`, import.meta.url).pathname;

/** A logger whose JSON lines the test reads back. */
function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ level: 'info', destination }), lines };
}

describe('CsvCatalogSource', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'spar-bridge-catalog-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads the bundled sample catalog', async () => {
    const { logger } = capturedLogger();
    const catalog = await new CsvCatalogSource({
      skusFile: bundled('skus.csv'),
      zipsFile: bundled('zips.csv'),
      logger,
    }).load();

    expect(catalog.assemblySkus.get('WARDROBE-2D-ASM')).toEqual({
      sku: 'WARDROBE-2D-ASM',
      assemblyPriceCents: 129_900,
    });
    expect(catalog.assemblySkus.get('DESK-60-ASM')?.assemblyPriceCents).toBe(12_900);
    expect(catalog.coverageZips.has('02134')).toBe(true);
    expect(catalog.coverageZips.has('02138')).toBe(true);
  });

  it('logs each skipped row at warn, with the file and the fix', async () => {
    const skusFile = path.join(dir, 'skus.csv');
    const zipsFile = path.join(dir, 'zips.csv');
    await writeFile(skusFile, 'sku,assembly_price\nDESK-72-ASM,149\nCHAIR-ERGO-ASM,\n');
    await writeFile(zipsFile, '02134\nnot-a-zip\n');
    const { logger, lines } = capturedLogger();

    const catalog = await new CsvCatalogSource({ skusFile, zipsFile, logger }).load();

    expect(catalog.assemblySkus.has('CHAIR-ERGO-ASM')).toBe(false);
    const warnings = lines.filter((line) => line.level === 40);
    expect(warnings).toEqual([
      expect.objectContaining({
        file: skusFile,
        warning: expect.stringContaining('row 3: sku CHAIR-ERGO-ASM has no assembly_price'),
      }),
      expect.objectContaining({
        file: zipsFile,
        warning: expect.stringContaining('row 2: "not-a-zip"'),
      }),
    ]);
    expect(String(warnings[0]!.warning)).toContain('write a price such as 149.00');
  });

  it('rejects with an error naming a missing file and its variable', async () => {
    const missing = path.join(dir, 'nope.csv');
    const { logger } = capturedLogger();
    const source = new CsvCatalogSource({
      skusFile: missing,
      zipsFile: bundled('zips.csv'),
      logger,
    });

    const error = await source.load().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CatalogUnavailableError);
    expect((error as Error).message).toContain(missing);
    expect((error as Error).message).toContain('CATALOG_SKUS_FILE');
    expect((error as Error).message).toContain('file not found');
  });

  it('rejects naming the ZIP file when that one is missing', async () => {
    const missing = path.join(dir, 'zips-missing.csv');
    const { logger } = capturedLogger();
    const source = new CsvCatalogSource({
      skusFile: bundled('skus.csv'),
      zipsFile: missing,
      logger,
    });

    await expect(source.load()).rejects.toThrow(new RegExp(`${missing}.*CATALOG_ZIPS_FILE`));
  });

  it('rejects naming the file when it is not valid CSV', async () => {
    const skusFile = path.join(dir, 'broken.csv');
    await writeFile(skusFile, 'sku,assembly_price\n"DESK-72-ASM,149\n');
    const { logger } = capturedLogger();
    const source = new CsvCatalogSource({ skusFile, zipsFile: bundled('zips.csv'), logger });

    await expect(source.load()).rejects.toThrow(
      /broken\.csv \(CATALOG_SKUS_FILE\) is not valid CSV/,
    );
  });
});
