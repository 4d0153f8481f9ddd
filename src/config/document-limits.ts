// Per-document limits (issue #15), here so the config schema (which makes them settable) and the parse stage (which
// applies them when called without a config, as `storyfeed parse` and the conformance runner do) share one default.

/** How much of one fetched document is read. */
export interface DocumentLimits {
  /** Entries read from one document; the rest are left out and the cut reported. */
  maxItemsPerDocument: number;
  /** Element nesting depth at which an XML document is refused before it is parsed. */
  maxDepth: number;
}

/**
 * The defaults. Real feeds list at most a few thousand entries and nest a few dozen elements deep (XHTML content);
 * a document past these is an archive dump or hostile: 173,580 entries in 10 MB, or 200,000 nested elements, which
 * the XML readers take quadratic time over.
 */
export const DOCUMENT_LIMITS: Readonly<DocumentLimits> = { maxItemsPerDocument: 20_000, maxDepth: 256 };
