import { readFile } from 'node:fs/promises';
import type { Logger } from '../log/logger.js';
import type { Catalog, CatalogSource } from './catalog.js';
import { CatalogUnavailableError } from './catalogErrors.js';
import { parseSkuCsv } from './parseSkus.js';
import { parseZipList } from './parseZips.js';

export interface CsvCatalogSourceOptions {
  /** CSV with the header `sku,assembly_price` (`CATALOG_SKUS_FILE`). */
  skusFile: string;
  /** ZIP list, one per line or CSV, optional header `zip` (`CATALOG_ZIPS_FILE`). */
  zipsFile: string;
  logger: Logger;
}

/**
 * The catalog from two local CSV files, read again on every `load()` so edits apply without
 * a restart. Skipped rows are logged at warn with their fix; a file that cannot be read or
 * parsed rejects the load with an error naming the file.
 */
export class CsvCatalogSource implements CatalogSource {
  constructor(private readonly options: CsvCatalogSourceOptions) {}

  async load(): Promise<Catalog> {
    const { skusFile, zipsFile, logger } = this.options;
    const [skusText, zipsText] = await Promise.all([
      readCatalogFile(skusFile, 'SKU catalog', 'CATALOG_SKUS_FILE'),
      readCatalogFile(zipsFile, 'coverage ZIP list', 'CATALOG_ZIPS_FILE'),
    ]);

    const skus = parseCatalogFile(skusFile, 'CATALOG_SKUS_FILE', () => parseSkuCsv(skusText));
    const zips = parseCatalogFile(zipsFile, 'CATALOG_ZIPS_FILE', () => parseZipList(zipsText));
    for (const warning of skus.warnings)
      logger.warn({ file: skusFile, warning }, 'catalog SKU row skipped');
    for (const warning of zips.warnings)
      logger.warn({ file: zipsFile, warning }, 'catalog ZIP row skipped');

    if (skus.skus.size === 0) {
      logger.warn(
        { file: skusFile, fix: 'add rows sku,assembly_price' },
        'no assembly SKUs loaded: no order will be posted',
      );
    }
    if (zips.zips.size === 0) {
      logger.warn(
        { file: zipsFile, fix: 'add one ZIP per line' },
        'no coverage ZIPs loaded: no order will be posted',
      );
    }
    logger.info(
      { assemblySkus: skus.skus.size, coverageZips: zips.zips.size, skusFile, zipsFile },
      'catalog loaded',
    );
    return { assemblySkus: skus.skus, coverageZips: zips.zips };
  }
}

async function readCatalogFile(file: string, what: string, variable: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem =
      code === 'ENOENT' ? 'file not found' : `cannot read it (${code ?? String(error)})`;
    throw new CatalogUnavailableError(
      `The ${what} file ${file} (${variable}): ${problem}. Point ${variable} at a readable file.`,
      {
        cause: error,
      },
    );
  }
}

function parseCatalogFile<T>(file: string, variable: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new CatalogUnavailableError(
      `The catalog file ${file} (${variable}) is not valid CSV: ${detail}. Fix the file.`,
      {
        cause: error,
      },
    );
  }
}
