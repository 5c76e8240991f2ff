/** Arguments of `flowtrail dlq`: defaults from the environment, flags, every problem at once. */
import { describe, expect, it } from 'vitest';
import { parseDlqArgs } from '../../src/tools/dlq/dlq-args.ts';

const CWD = '/home/me/project';

describe('parseDlqArgs', () => {
  it('list: defaults, the data dir from the environment, flags override', () => {
    expect(parseDlqArgs(['list'], {}, CWD)).toEqual({
      ok: true,
      command: {
        action: 'list',
        dataDir: '/home/me/project/.flowtrail/data',
        from: 0,
        size: 20,
        json: false,
      },
    });
    expect(parseDlqArgs(['list'], { FLOWTRAIL_DATA_DIR: 'd' }, CWD)).toMatchObject({
      command: { dataDir: '/home/me/project/d' },
    });
    expect(
      parseDlqArgs(
        ['list', '--data-dir', '/x', '--from', '40', '--size', '5', '--json'],
        { FLOWTRAIL_DATA_DIR: 'd' },
        CWD,
      ),
    ).toMatchObject({ command: { dataDir: '/x', from: 40, size: 5, json: true } });
  });

  it('replay: ids or --all; the event size limit from the flag or the environment', () => {
    expect(parseDlqArgs(['replay', '3', '1', '3'], {}, CWD)).toMatchObject({
      command: { action: 'replay', selection: { all: false, ids: [3, 1] }, maxEventBytes: 1048576 },
    });
    expect(
      parseDlqArgs(['replay', '--all'], { FLOWTRAIL_MAX_EVENT_BYTES: '2048' }, CWD),
    ).toMatchObject({ command: { selection: { all: true }, maxEventBytes: 2048 } });
    expect(
      parseDlqArgs(
        ['replay', '--all', '--max-event-bytes', '9999'],
        { FLOWTRAIL_MAX_EVENT_BYTES: '2048' },
        CWD,
      ),
    ).toMatchObject({ command: { maxEventBytes: 9999 } });
  });

  it('delete: ids or --all', () => {
    expect(parseDlqArgs(['delete', '7'], {}, CWD)).toMatchObject({
      command: { action: 'delete', selection: { all: false, ids: [7] } },
    });
    expect(parseDlqArgs(['delete', '--all'], {}, CWD)).toMatchObject({
      command: { action: 'delete', selection: { all: true } },
    });
  });

  it('lists every problem at once', () => {
    const parsed = parseDlqArgs(
      ['replay', '--all', 'x', '0', '--max-event-bytes=-1'],
      { FLOWTRAIL_DATA_DIR: 'd' },
      CWD,
    );
    expect(parsed).toMatchObject({ ok: false, help: false });
    expect(parsed.ok ? [] : parsed.problems).toEqual([
      'give either --all or ids, not both',
      '--max-event-bytes: expected an integer from 1 to 9007199254740991, got "-1"',
    ]);
    const ids = parseDlqArgs(['delete', 'x', '0', '2'], {}, CWD);
    expect(ids.ok ? [] : ids.problems).toEqual([
      'not a dead-letter id: "x"',
      'not a dead-letter id: "0"',
    ]);
    const list = parseDlqArgs(
      ['list', '--size', '0', '--from', 'a'],
      { FLOWTRAIL_DATA_DIR: '' },
      CWD,
    );
    expect(list.ok ? [] : list.problems).toHaveLength(2);
    expect(parseDlqArgs(['delete'], {}, CWD)).toMatchObject({
      ok: false,
      problems: ['no letters selected: give ids or --all'],
    });
    expect(parseDlqArgs(['replay', '1'], { FLOWTRAIL_MAX_EVENT_BYTES: 'big' }, CWD)).toMatchObject({
      ok: false,
      problems: [expect.stringContaining('FLOWTRAIL_MAX_EVENT_BYTES')],
    });
  });

  it('refuses unknown actions and options; --help; --kafka', () => {
    expect(parseDlqArgs([], {}, CWD)).toMatchObject({ ok: false, help: false });
    expect(parseDlqArgs(['purge'], {}, CWD)).toMatchObject({
      ok: false,
      problems: ['unknown action: purge'],
    });
    expect(parseDlqArgs(['list', '7'], {}, CWD)).toMatchObject({ ok: false, help: false });
    expect(parseDlqArgs(['list', '--all'], {}, CWD)).toMatchObject({ ok: false, help: false });
    expect(parseDlqArgs(['--help'], {}, CWD)).toMatchObject({ ok: false, help: true });
    expect(parseDlqArgs(['replay', '-h'], {}, CWD)).toMatchObject({ ok: false, help: true });
    expect(parseDlqArgs(['replay', '--kafka'], {}, CWD)).toEqual({
      ok: true,
      command: { action: 'kafka', requested: 'replay' },
    });
  });
});
