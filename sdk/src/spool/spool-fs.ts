/**
 * The file system operations the spool uses (spool.ts, segment-writer.ts, spool-lock.ts):
 * the few `node:fs/promises` calls it makes, as an interface so that tests can replace
 * them and inject disk errors.
 */
import * as nodeFs from 'node:fs/promises';

/** The part of a `node:fs/promises` FileHandle the spool uses. */
export interface SpoolFile {
  write(
    buffer: Buffer,
    offset: number,
    length: number,
    position: number | null,
  ): Promise<{ bytesWritten: number }>;
  datasync(): Promise<void>;
  sync(): Promise<void>;
  truncate(length: number): Promise<void>;
  close(): Promise<void>;
}

/** The file system operations of the spool; tests replace them to inject disk errors. */
export interface SpoolFs {
  mkdir(path: string, options: { recursive: true }): Promise<unknown>;
  readdir(path: string): Promise<string[]>;
  readFile(path: string): Promise<Buffer>;
  open(path: string, flags: string): Promise<SpoolFile>;
  unlink(path: string): Promise<void>;
}

export const nodeSpoolFs: SpoolFs = {
  mkdir: (path, options) => nodeFs.mkdir(path, options),
  readdir: (path) => nodeFs.readdir(path),
  readFile: (path) => nodeFs.readFile(path),
  open: (path, flags) => nodeFs.open(path, flags),
  unlink: (path) => nodeFs.unlink(path),
};
