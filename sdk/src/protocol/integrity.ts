/**
 * Structural integrity of decoded input, checked before schema validation so hostile input
 * becomes a rejection instead of an exception further down the pipeline:
 * - bytes must be UTF-8 (a lenient decode would silently turn them into U+FFFD);
 * - strings (values and object keys) must be well-formed UTF-16: a lone surrogate cannot
 *   be encoded as UTF-8 (`Buffer.from` replaces it, so the stored event would differ from
 *   the accepted one) and makes `encodeURIComponent` throw;
 * - objects and arrays nest at most `MAX_NESTING_DEPTH` levels: `JSON.parse` accepts any
 *   depth, but the recursive `JSON.stringify` of the stores overflows the stack around a
 *   few thousand levels.
 * Every check is iterative, so no input can overflow the stack here either.
 */

/**
 * The deepest nesting of objects and arrays an event may have, the event object itself
 * counting as level 1 (so `data` is level 2). Far above what any real event needs, far
 * below what `JSON.stringify` survives.
 */
export const MAX_NESTING_DEPTH = 64;

/** Matches an unpaired surrogate: with the `u` flag a valid pair is one code point. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
const LONE_SURROGATES = /[\uD800-\uDFFF]/gu;

/** `String.prototype.isWellFormed` (ES2024; Node ≥ 20), native and faster than the regex. */
const nativeIsWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean })
  .isWellFormed;

/** True when `text` has no lone surrogate (what `String.prototype.isWellFormed` says). */
export function isWellFormedText(text: string): boolean {
  return nativeIsWellFormed === undefined
    ? !LONE_SURROGATE.test(text)
    : nativeIsWellFormed.call(text);
}

/** `text` with every lone surrogate replaced by U+FFFD (`String.prototype.toWellFormed`). */
export function toWellFormedText(text: string): string {
  return isWellFormedText(text) ? text : text.replace(LONE_SURROGATES, '\uFFFD');
}

// ignoreBOM keeps a leading byte-order mark in the text, so JSON.parse still refuses it
// (as it did with Buffer#toString) instead of the decoder silently dropping it.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The text of UTF-8 `bytes`, or undefined when they are not valid UTF-8. */
export function decodeUtf8Strict(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

export type IntegrityProblem = { reason: 'too-deep' | 'invalid-unicode'; error: string };

interface Pending {
  value: unknown;
  depth: number;
  parent: Pending | undefined;
  key: string;
}

/**
 * JSON-pointer-like path of a node, for the rejection's error message; keys are cut at 40
 * characters so the message stays small (it travels in a DLQ header).
 */
function pathOf(node: Pending): string {
  const keys: string[] = [];
  for (let at: Pending | undefined = node; at?.parent !== undefined; at = at.parent) {
    keys.push(toWellFormedText(at.key.length > 40 ? `${at.key.slice(0, 40)}…` : at.key));
  }
  return `/${keys.reverse().join('/')}`;
}

/**
 * A short rendering of an input value for an error message: strings quoted and cut at 40
 * characters, objects and arrays not rendered at all (their `JSON.stringify` could overflow).
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  }
  if (value === null) return 'null';
  return typeof value === 'object'
    ? Array.isArray(value)
      ? 'an array'
      : 'an object'
    : String(value);
}

/**
 * The first integrity problem of a decoded JSON value (depth, ill-formed strings or keys),
 * or undefined. Visits every node once, depth-first, with an explicit stack. A quick pass
 * without allocations answers first whether there is any problem (almost never); only
 * then the full walk runs, which names the first one in its order.
 */
export function findIntegrityProblem(value: unknown): IntegrityProblem | undefined {
  return mayHaveProblem(value, 1) ? firstProblem(value) : undefined;
}

/**
 * True when `value` has a problem (or is something the full walk must look at: a sparse
 * array). Recursive, but never deeper than `MAX_NESTING_DEPTH + 1` calls: an object
 * nested deeper is the answer.
 */
function mayHaveProblem(value: unknown, depth: number): boolean {
  if (typeof value === 'string') return !isWellFormedText(value);
  if (typeof value !== 'object' || value === null) return false;
  if (depth > MAX_NESTING_DEPTH) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) {
      if (!(i in value) || mayHaveProblem(value[i], depth + 1)) return true;
    }
    return false;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!isWellFormedText(key) || mayHaveProblem(record[key], depth + 1)) return true;
  }
  return false;
}

function firstProblem(value: unknown): IntegrityProblem | undefined {
  const stack: Pending[] = [{ value, depth: 1, parent: undefined, key: '' }];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    const current = node.value;
    if (typeof current === 'string') {
      if (!isWellFormedText(current)) {
        return { reason: 'invalid-unicode', error: `${pathOf(node)}: string has a lone surrogate` };
      }
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    if (node.depth > MAX_NESTING_DEPTH) {
      return {
        reason: 'too-deep',
        error: `${pathOf(node)}: nested deeper than ${MAX_NESTING_DEPTH} levels of objects and arrays`,
      };
    }
    const entries = Array.isArray(current)
      ? current.map((item, index) => [String(index), item] as const)
      : Object.entries(current);
    for (const [key, item] of entries) {
      const child: Pending = { value: item, depth: node.depth + 1, parent: node, key };
      if (!isWellFormedText(key)) {
        return {
          reason: 'invalid-unicode',
          error: `${pathOf(child)}: key ${describeValue(key)} has a lone surrogate`,
        };
      }
      stack.push(child);
    }
  }
  return undefined;
}
