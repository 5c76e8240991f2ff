/** Validation of the alert routes' query parameters and bodies. */
import { describe, expect, it } from 'vitest';
import {
  MAX_SILENCE_MS,
  parseAcknowledgeBody,
  parseAlertQuery,
  parseSilenceBody,
} from '../../src/adapters/http/alert-params.ts';
import { at, iso } from './alert-fixtures.ts';

const query = (text: string) => parseAlertQuery(new URLSearchParams(text));
const body = (value: unknown): Buffer =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

describe('parseAlertQuery', () => {
  it('reads filters, lists and paging (empty values count as absent)', () => {
    expect(query('')).toEqual({ ok: true, query: { from: 0, size: 20 } });
    expect(
      query('status=firing,%20acknowledged&kind=stuck&process=p&owner=ann&from=20&size=5'),
    ).toEqual({
      ok: true,
      query: {
        status: ['firing', 'acknowledged'],
        kind: ['stuck'],
        process: 'p',
        owner: 'ann',
        from: 20,
        size: 5,
      },
    });
    expect(query('status=&kind= ')).toEqual({ ok: true, query: { from: 0, size: 20 } });
    expect(query('history=true')).toEqual({
      ok: true,
      query: { from: 0, size: 20, history: true },
    });
    expect(query('history=false')).toEqual({ ok: true, query: { from: 0, size: 20 } });
  });

  it('lists every problem at once', () => {
    const result = query('status=open&kind=stuck,late&size=0&from=x&colour=red&owner=a&owner=b');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems).toEqual([
        expect.stringMatching(/^colour: unknown parameter/),
        expect.stringMatching(/^owner: given 2 times/),
        expect.stringMatching(
          /^status: expected one or more .*firing, acknowledged, silenced, resolved, got "open"/,
        ),
        expect.stringMatching(/^kind: expected one or more .*nonconformance, got "stuck,late"/),
        expect.stringMatching(/^from: expected an integer/),
        expect.stringMatching(/^size: expected an integer from 1 to 100/),
      ]);
    }
    expect(query('from=9999&size=2')).toMatchObject({
      ok: false,
      problems: [expect.stringMatching(/^from \+ size/)],
    });
  });
});

describe('parseAcknowledgeBody', () => {
  it('takes an empty body or {by}', () => {
    expect(parseAcknowledgeBody(Buffer.alloc(0))).toEqual({ ok: true, query: {} });
    expect(parseAcknowledgeBody(body({ by: ' ann ' }))).toEqual({ ok: true, query: { by: 'ann' } });
  });

  it('refuses other bodies', () => {
    expect(parseAcknowledgeBody(body('{'))).toEqual({ ok: false, problems: ['body: not JSON'] });
    expect(parseAcknowledgeBody(body([1]))).toMatchObject({ ok: false });
    expect(parseAcknowledgeBody(body({ by: 3, who: 'x' }))).toMatchObject({
      ok: false,
      problems: [expect.stringMatching(/^who: unknown field/), expect.stringMatching(/^by:/)],
    });
  });
});

describe('parseSilenceBody', () => {
  const now = at(0);
  it('takes an ISO end or a duration', () => {
    expect(parseSilenceBody(body({ until: iso(3600), by: 'bob' }), now)).toEqual({
      ok: true,
      query: { until: at(3600), by: 'bob' },
    });
    expect(parseSilenceBody(body({ for: '2h' }), now)).toEqual({
      ok: true,
      query: { until: at(7200) },
    });
    expect(parseSilenceBody(body({ for: 'PT30M' }), now)).toEqual({
      ok: true,
      query: { until: at(1800) },
    });
  });

  it('refuses missing, double, past, too long and malformed ends', () => {
    const problems = (value: unknown): string[] => {
      const result = parseSilenceBody(body(value), now);
      return result.ok ? [] : result.problems;
    };
    expect(problems({})).toEqual([expect.stringMatching(/give exactly one/)]);
    expect(problems({ until: iso(60), for: '1h' })).toEqual([
      expect.stringMatching(/give exactly one/),
    ]);
    expect(problems({ until: iso(-1) })).toEqual([expect.stringMatching(/not in the future/)]);
    expect(problems({ for: '0s' })).toEqual([expect.stringMatching(/not in the future/)]);
    expect(problems({ for: `${MAX_SILENCE_MS / 3_600_000 + 1}h` })).toEqual([
      expect.stringMatching(/at most 30 days/),
    ]);
    expect(problems({ until: 'tomorrow' })).toEqual([
      expect.stringMatching(/^until: expected an ISO-8601/),
    ]);
    expect(problems({ until: 1234 })).toEqual([
      expect.stringMatching(/^until: expected an ISO-8601/),
    ]);
    expect(problems({ for: 'soon' })).toEqual([
      expect.stringMatching(/^for: "soon" is not a duration/),
    ]);
    expect(problems({ for: 5 })).toEqual([expect.stringMatching(/^for: 5 is not a duration/)]);
  });
});
