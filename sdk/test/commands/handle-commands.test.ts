/** `handleCommands` setup: bad options throw one ConfigError listing every problem. */
import { describe, expect, it } from 'vitest';
import { ConfigError, handleCommands, type HandleCommandsOptions } from '../../src/index.ts';

function problemsOf(options: Partial<HandleCommandsOptions>): string[] {
  try {
    handleCommands(options as HandleCommandsOptions);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('handleCommands options', () => {
  it('lists every problem at once', () => {
    const problems = problemsOf({
      system: 'has space',
      kafka: { brokers: [] },
      http: { url: 'ftp://x', waitSeconds: 31 },
      dedupeSize: 0,
      maxRetries: -1,
      maxAgeMs: 0,
    });
    expect(problems.join('\n')).toMatch(/system/);
    expect(problems.join('\n')).toMatch(/handler/);
    expect(problems.join('\n')).toMatch(/exactly one of kafka or http/);
    expect(problems.join('\n')).toMatch(/brokers must not be empty/);
    expect(problems.join('\n')).toMatch(/http\.url must be http/);
    expect(problems.join('\n')).toMatch(/waitSeconds/);
    expect(problems.join('\n')).toMatch(/dedupeSize/);
    expect(problems.join('\n')).toMatch(/maxRetries/);
    expect(problems.join('\n')).toMatch(/maxAgeMs/);
  });

  it('requires a transport and exactly one Kafka source', () => {
    const base = { system: 'billing', handler: () => undefined };
    expect(problemsOf(base)).toEqual(['handleCommands: pass exactly one of kafka or http']);
    expect(problemsOf({ ...base, kafka: {} })).toEqual([
      'handleCommands: kafka: pass exactly one of brokers or kafka',
    ]);
  });
});
