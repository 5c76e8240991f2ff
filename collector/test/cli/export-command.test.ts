import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  describeHttpFailure,
  exportCommand,
  exportUrl,
  parseExportArgs,
} from '../../src/tools/cli/export-command.ts';

describe('flowtrail export arguments', () => {
  it('takes the options and defaults from the environment', () => {
    const args = parseExportArgs(['--format', 'ocel', '--process', 'a b', '--out', 'x.json'], {
      FLOWTRAIL_URL: 'http://h:1',
      FLOWTRAIL_API_KEY: 'k',
    });
    expect(args).toEqual({
      format: 'ocel',
      process: 'a b',
      out: 'x.json',
      url: 'http://h:1',
      apiKey: 'k',
    });
    expect(parseExportArgs(['--format', 'xes'], {})).toEqual({
      format: 'xes',
      url: 'http://127.0.0.1:4100',
    });
    const url = exportUrl({ format: 'xes', process: 'a b', source: 's', url: 'http://h:1/' });
    expect(url.href).toBe('http://h:1/api/export?format=xes&process=a+b&source=s');
  });

  it('lists every problem', () => {
    expect(parseExportArgs(['extra', '--url', 'ftp://x', '--process', ''], {})).toEqual({
      problems: [
        'unexpected argument: extra',
        '--format is required (xes or ocel)',
        '--url must be an http(s) URL, got "ftp://x"',
        '--process must not be empty',
      ],
    });
    expect(parseExportArgs(['--format', 'csv'], {})).toEqual({
      problems: ['--format must be xes or ocel, got "csv"'],
    });
    expect(parseExportArgs(['--colour', 'red'], {})).toMatchObject({
      problems: [expect.stringMatching(/Unknown option '--colour'/)],
    });
  });

  it('describes API errors', () => {
    expect(
      describeHttpFailure(400, '{"error":"invalid query parameters","problems":["a","b"]}'),
    ).toBe('collector answered 400: invalid query parameters: a; b');
    expect(describeHttpFailure(502, 'Bad gateway')).toBe('collector answered 502: Bad gateway');
  });
});

describe('flowtrail export', () => {
  const errors: string[] = [];
  afterEach(() => {
    vi.restoreAllMocks();
    errors.length = 0;
  });
  const captureErrors = () =>
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      errors.push(args.join(' '));
    });

  it('exits 2 with the usage on bad arguments', async () => {
    captureErrors();
    expect(await exportCommand(['--format', 'pdf'])).toBe(2);
    expect(errors.join('\n')).toMatch(/--format must be xes or ocel[\s\S]*usage: flowtrail export/);
  });

  it('exits 1 with a hint when no collector is running', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    captureErrors();
    const code = await exportCommand(['--format', 'xes', '--url', `http://127.0.0.1:${port}`]);
    expect(code).toBe(1);
    expect(errors.join('\n')).toMatch(/cannot reach the collector .*ECONNREFUSED/);
    expect(errors.join('\n')).toMatch(/npx flowtrail up/);
  });

  it('exits 1 on an API error and when the body breaks off, leaving no file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'flowtrail-export-cli-'));
    const server = createServer((request, response) => {
      if (request.url?.includes('process=broken')) {
        response.writeHead(200, { 'content-type': 'application/xml' });
        response.write('<?xml version="1.0"?>\n<log>');
        setTimeout(() => response.destroy(), 20);
        return;
      }
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end('{"error":"missing or wrong API key","retriable":false}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    captureErrors();
    try {
      const out = join(dir, 'out.xes');
      expect(await exportCommand(['--format', 'xes', '--url', url, '--out', out])).toBe(1);
      expect(errors.join('\n')).toMatch(/export failed: collector answered 401: missing or wrong/);
      const broken = ['--format', 'xes', '--process', 'broken', '--url', url, '--out', out];
      expect(await exportCommand(broken)).toBe(1);
      expect(await readdir(dir)).toEqual([]);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    }
  });
});
