import { describe, expect, it } from 'vitest';
import { parseImportArgs } from '../../src/tools/cli/import-command.ts';
import { renderProgress } from '../../src/tools/cli/progress.ts';
import { sendWithRetry } from '../../src/tools/cli/send-with-retry.ts';

describe('flowtrail import arguments', () => {
  it('takes the file and defaults from the environment', () => {
    expect(parseImportArgs(['log.xes'], { FLOWTRAIL_URL: 'http://h:1' })).toMatchObject({
      file: 'log.xes',
      url: 'http://h:1',
      batchSize: 500,
      dryRun: false,
    });
  });

  it('lists every problem', () => {
    const result = parseImportArgs(['a.xes', 'b.xes', '--batch-size', '0'], {});
    expect(result).toEqual({
      problems: [
        'give exactly one event log file',
        '--batch-size must be an integer between 1 and 10000',
      ],
    });
  });
});

describe('progress line', () => {
  it('draws a bar when the fraction is known', () => {
    const line = renderProgress(
      { cases: 3, events: 10, sent: 5, rejected: 0, fraction: 0.5 },
      1000,
    );
    expect(line).toBe(
      '[############............]  50% 3 cases, 10 events read, 5 sent, 0 rejected (10 events/s)',
    );
  });
});

describe('sendWithRetry', () => {
  it('retries retriable errors and stops at non-retriable ones', async () => {
    let calls = 0;
    await sendWithRetry(
      async () => {
        calls += 1;
        if (calls < 3) throw Object.assign(new Error('busy'), { retriable: true });
      },
      5,
      1,
      1,
    );
    expect(calls).toBe(3);
    await expect(
      sendWithRetry(async () => {
        throw Object.assign(new Error('bad'), { retriable: false });
      }),
    ).rejects.toThrow('bad');
  });
});
