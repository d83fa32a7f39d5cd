/** One assembly SKU: the SKU as the catalog spells it and the assembly-only price SPAR is paid per unit. */
export interface AssemblySku {
  sku: string;
  assemblyPriceCents: number;
}

/**
 * The rules' view of the catalog. Keys of `assemblySkus` are normalised SKUs (see
 * `normalizeSku`); `coverageZips` holds normalised 5-digit ZIP strings.
 */
export interface Catalog {
  assemblySkus: ReadonlyMap<string, AssemblySku>;
  coverageZips: ReadonlySet<string>;
}

/** Where the catalog comes from: local CSV files or a Google Sheet. */
export interface CatalogSource {
  /** Loads the current catalog. Rejects when the source cannot be read at all. */
  load(): Promise<Catalog>;
}
