/**
 * An instance is identified by (source, process, instance) — docs/events.md: `ftinstance`
 * is unique within (`source`, `ftprocess`). The key is the Kafka partition key and the
 * id of the instance's state document.
 * Neither function throws. The decoder rejects lone surrogates (integrity.ts), but keys are
 * also built from values it never saw (events stored before that check, parent links read
 * back, API parameters), and `encodeURIComponent` throws `URIError` on one: each part is
 * made well-formed first (U+FFFD, what UTF-8 encoding does to it anyway).
 */
import { toWellFormedText } from './integrity.ts';

export interface InstanceRef {
  source: string;
  process: string;
  instance: string;
}

export function instanceKey(ref: InstanceRef): string {
  return [ref.source, ref.process, ref.instance]
    .map((part) => encodeURIComponent(toWellFormedText(String(part))))
    .join('/');
}

export function instanceKeyOf(event: {
  source: string;
  ftprocess: string;
  ftinstance: string;
}): string {
  return instanceKey({
    source: event.source,
    process: event.ftprocess,
    instance: event.ftinstance,
  });
}

/** The reference a key names, or undefined when it is not a well-formed instance key. */
export function parseInstanceKey(key: string): InstanceRef | undefined {
  const parts = key.split('/');
  if (parts.length !== 3) return undefined;
  try {
    const [source, process, instance] = parts.map(decodeURIComponent) as [string, string, string];
    return { source, process, instance };
  } catch {
    return undefined; // a malformed percent-escape (`%`, `%E0%A4`) names no instance
  }
}
