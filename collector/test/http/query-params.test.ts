import { describe, expect, it } from 'vitest';
import { parseInstanceQuery } from '../../src/adapters/http/query-params.ts';

const parse = (qs: string) => parseInstanceQuery(new URLSearchParams(qs));

describe('parseInstanceQuery', () => {
  it('gives defaults for no parameters and treats empty values as absent', () => {
    expect(parse('')).toEqual({ ok: true, query: { from: 0, size: 20 } });
    expect(parse('q=&status=&process=')).toEqual({ ok: true, query: { from: 0, size: 20 } });
  });

  it('maps every parameter', () => {
    expect(
      parse(
        'q=late+payment&process=order-fulfilment&status=waiting&businessKey=orderId%3D4711&from=20&size=50',
      ),
    ).toEqual({
      ok: true,
      query: {
        text: 'late payment',
        process: 'order-fulfilment',
        status: 'waiting',
        businessKey: 'orderId=4711',
        from: 20,
        size: 50,
      },
    });
  });

  it('lists every problem at once', () => {
    const result = parse('status=bogus&from=-1&size=1000&colour=red&q=a&q=b');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toHaveLength(5);
    expect(result.problems.join('\n')).toMatch(/status: expected one of running/);
    expect(result.problems.join('\n')).toMatch(/from: expected an integer from 0/);
    expect(result.problems.join('\n')).toMatch(/size: expected an integer from 1 to 100/);
    expect(result.problems.join('\n')).toMatch(/colour: unknown parameter/);
    expect(result.problems.join('\n')).toMatch(/q: given 2 times/);
  });

  it('keeps from + size within the result window', () => {
    expect(parse('from=9990&size=20')).toMatchObject({ ok: false });
    expect(parse('from=9980&size=20')).toMatchObject({ ok: true });
  });
});
