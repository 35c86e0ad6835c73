import { ValidationError } from '../../core/plugin-api.ts';

/**
 * Event type names and the patterns subscribers and webhook endpoints choose them by.
 * A type is dot-separated lower-case segments (`payment.captured`); a pattern is a type,
 * `prefix.*` (every type under the prefix) or `*` (every type).
 */
const SEGMENT = '[a-z][a-z0-9_]*';
const TYPE = new RegExp(`^${SEGMENT}(\\.${SEGMENT})+$`);
const PATTERN = new RegExp(`^(\\*|${SEGMENT}(\\.${SEGMENT})*\\.\\*|${SEGMENT}(\\.${SEGMENT})+)$`);

export const MAX_TYPE_LENGTH = 100;
export const MAX_PATTERNS = 50;

export function isEventType(value: string): boolean {
  return value.length <= MAX_TYPE_LENGTH && TYPE.test(value);
}

export function isTypePattern(value: string): boolean {
  return value.length <= MAX_TYPE_LENGTH && PATTERN.test(value);
}

/** An endpoint's (or a default's) patterns, deduplicated; refused typed when none, too many or malformed. */
export function checkedTypePatterns(patterns: readonly string[]): string[] {
  if (patterns.length === 0 || patterns.length > MAX_PATTERNS) {
    throw new ValidationError('eventTypes', `name 1 to ${MAX_PATTERNS} event types or patterns`);
  }
  const bad = patterns.find((pattern) => !isTypePattern(pattern));
  if (bad !== undefined) {
    throw new ValidationError(
      'eventTypes',
      `"${bad}" is not an event type or pattern (e.g. payment.captured, payment.*)`,
    );
  }
  return [...new Set(patterns)];
}

/** In SQL: gateway_event_type_matches (migration 0003), held to agree with this by a property test. */
export function typeMatches(type: string, patterns: readonly string[]): boolean {
  return patterns.some(
    (pattern) =>
      pattern === '*' ||
      pattern === type ||
      (pattern.endsWith('.*') && type.startsWith(pattern.slice(0, -1))),
  );
}

/** `outer` admits every type `inner` admits (`payment.*` covers `payment.captured` and `payment.x.*`). */
export function patternCovers(outer: string, inner: string): boolean {
  return outer === '*' || outer === inner || (outer.endsWith('.*') && inner.startsWith(outer.slice(0, -1)));
}
