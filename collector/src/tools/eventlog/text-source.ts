/**
 * Text chunks of a log file, streamed (gzip-compressed when the name ends in `.gz`).
 * The only file IO of the readers.
 */
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { createGunzip } from 'node:zlib';

/** `onBytesRead` gets the bytes read from disk so far (compressed bytes for `.gz`). */
export async function* fileChunks(
  path: string,
  onBytesRead?: (bytes: number) => void,
): AsyncGenerator<string> {
  const file = createReadStream(path);
  const stream = path.toLowerCase().endsWith('.gz') ? file.pipe(createGunzip()) : file;
  stream.setEncoding('utf8');
  try {
    for await (const chunk of stream) {
      onBytesRead?.(file.bytesRead);
      yield chunk as string;
    }
  } finally {
    file.destroy();
  }
}

/** `receipt` for `/data/receipt.xes.gz`: the default log name. */
export function logNameOf(path: string): string {
  return basename(path)
    .replace(/\.gz$/i, '')
    .replace(/\.[^.]+$/, '');
}
