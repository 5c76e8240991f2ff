/**
 * Streaming XES reader: a thin adapter from `saxes` to the pure `xes-case-builder.ts`.
 * Yields the log item, then cases and rejections one at a time while the file is read,
 * so a large log is never loaded whole.
 */
import { SaxesParser } from 'saxes';
import { createXesCaseBuilder } from '../../domain/eventlog/xes-case-builder.ts';
import type { EventLogItem } from '../../domain/eventlog/imported-case.ts';

export interface XesReadOptions {
  /** Log name when the log has no `concept:name` (default `log`). */
  fallbackName?: string;
  /** Offset for timestamps without one (default `Z`). */
  defaultOffset?: string;
}

/** Reads an XES document given as text chunks (a file stream, or `[text]`). */
export async function* readXesChunks(
  chunks: AsyncIterable<string> | Iterable<string>,
  options: XesReadOptions = {},
): AsyncGenerator<EventLogItem> {
  const builder = createXesCaseBuilder({
    fallbackName: options.fallbackName ?? 'log',
    ...(options.defaultOffset === undefined ? {} : { defaultOffset: options.defaultOffset }),
  });
  const parser = new SaxesParser({ position: true, xmlns: false });
  const pending: EventLogItem[] = [];
  parser.on('opentag', (tag) => {
    for (const item of builder.open(tag.name, tag.attributes, parser.line)) pending.push(item);
  });
  parser.on('closetag', () => {
    for (const item of builder.close()) pending.push(item);
  });
  for await (const chunk of chunks) {
    parser.write(chunk);
    yield* pending.splice(0);
  }
  parser.close();
  yield* pending.splice(0);
  yield* builder.end();
}
