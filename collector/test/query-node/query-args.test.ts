import { describe, expect, it } from 'vitest';
import { parseQueryArgs, QUERY_USAGE } from '../../src/tools/cli/query-args.ts';

describe('parseQueryArgs', () => {
  it('needs no arguments', () => {
    expect(parseQueryArgs([])).toEqual({ ok: true, overrides: {} });
  });

  it('reads --port (0 = any free port)', () => {
    expect(parseQueryArgs(['--port', '4200'])).toEqual({ ok: true, overrides: { port: 4200 } });
    expect(parseQueryArgs(['--port=0'])).toEqual({ ok: true, overrides: { port: 0 } });
  });

  it('asks for the usage with --help or -h', () => {
    expect(parseQueryArgs(['--help'])).toEqual({ ok: false, help: true, problems: [] });
    expect(parseQueryArgs(['-h', '--port', 'x'])).toEqual({ ok: false, help: true, problems: [] });
  });

  it('rejects bad ports, unknown options and positionals', () => {
    for (const args of [
      ['--port', '70000'],
      ['--port', '-1'],
      ['--port', 'abc'],
    ]) {
      const parsed = parseQueryArgs(args);
      expect(parsed).toMatchObject({ ok: false, help: false });
      expect(!parsed.ok && parsed.problems[0]).toMatch(/--port/);
    }
    expect(parseQueryArgs(['--kafka'])).toMatchObject({ ok: false, help: false });
    expect(parseQueryArgs(['serve'])).toMatchObject({ ok: false, help: false });
  });

  it('documents the refused routes and the exit codes', () => {
    expect(QUERY_USAGE).toMatch(/^usage: flowtrail query/);
    expect(QUERY_USAGE).toContain('POST /api/events');
    expect(QUERY_USAGE).toContain('exits 2');
  });
});
