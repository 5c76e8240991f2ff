/**
 * An instance is identified by (source, process, instance) — docs/events.md: `ftinstance`
 * is unique within (`source`, `ftprocess`). The key is the Kafka partition key and the
 * id of the instance's state document.
 */
export interface InstanceRef {
  source: string;
  process: string;
  instance: string;
}

export function instanceKey(ref: InstanceRef): string {
  return [ref.source, ref.process, ref.instance].map(encodeURIComponent).join('/');
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

export function parseInstanceKey(key: string): InstanceRef | undefined {
  const parts = key.split('/');
  if (parts.length !== 3) return undefined;
  const [source, process, instance] = parts.map(decodeURIComponent) as [string, string, string];
  return { source, process, instance };
}
