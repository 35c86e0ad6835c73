import type { DocumentNode } from 'graphql';
import { LRUCache } from 'lru-cache';

/** Source characters of all cached documents together, and of the largest one cached. */
const MAX_SOURCE_CHARS = 256_000;
const MAX_ENTRY_CHARS = 64_000;

function sizedCache<T extends object>() {
  return new LRUCache<string, T>({
    maxSize: MAX_SOURCE_CHARS,
    maxEntrySize: MAX_ENTRY_CHARS,
    sizeCalculation: (_value, source) => Math.max(1, source.length),
  });
}

/**
 * Yoga's parse and validation cache, bounded by size. Yoga's own keeps the last 1,024 documents
 * for an hour whatever their size, keyed by their full text: after a burst of large distinct
 * documents (a fuzz run, an alias attack) it held hundreds of megabytes that no idle time gave
 * back (docs/production.md, "Memory"). Here the documents' text may total 256 kB (a frontend's
 * few hundred operations of a few kB); a parsed document weighs up to about 60 times its text,
 * and validation results live as long as their document. At 1 MB, the reliability suite's fuzz
 * run filled the caches to 67 MB of live heap.
 */
export function boundedDocumentCache() {
  return {
    documentCache: sizedCache<DocumentNode>(),
    errorCache: sizedCache<Error>(),
    validationCache: true,
  };
}
