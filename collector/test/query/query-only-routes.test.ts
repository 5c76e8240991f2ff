import { describe, expect, it } from 'vitest';
import { errorResponse } from '../../src/http/http-error.ts';
import { matchRoute, ROUTE_TABLE, type Route } from '../../src/http/routes.ts';
import {
  COMMANDS_REFUSED,
  INGEST_REFUSED,
  refuseOnQueryNode,
} from '../../src/query/query-only-routes.ts';

function route(method: string, path: string): Route {
  const match = matchRoute(method, path);
  if (!match.ok) throw new Error(`${method} ${path}: ${match.error}`);
  return match.route;
}

describe('refuseOnQueryNode', () => {
  it('refuses ingest with 404 and a non-retriable JSON error naming the collector', () => {
    const refusal = refuseOnQueryNode(route('POST', '/api/events'));
    expect(errorResponse(refusal)).toEqual({
      status: 404,
      body: { error: INGEST_REFUSED, retriable: false },
    });
    expect(INGEST_REFUSED).toMatch(/query-only node.*send them to a collector/);
  });

  it('refuses command delivery (long poll and ack) the same way', () => {
    for (const refused of [route('GET', '/api/commands'), route('POST', '/api/commands/ack')]) {
      expect(errorResponse(refuseOnQueryNode(refused))).toEqual({
        status: 404,
        body: { error: COMMANDS_REFUSED, retriable: false },
      });
    }
  });

  it('serves every other route of the API, writes to shared state included', () => {
    const refused = new Set(['ingest', 'commands', 'commands-ack']);
    // The policy looks at the route's name only: every route the router knows, by name.
    for (const name of Object.keys(ROUTE_TABLE) as Route['name'][]) {
      const answer = refuseOnQueryNode({ name } as Route);
      expect({ name, refused: answer !== undefined }).toEqual({ name, refused: refused.has(name) });
    }
    for (const [method, path] of [
      ['GET', '/api/instances/s%2Fp%2Fi/timeline'],
      ['POST', '/api/alerts/stuck%2Fx/acknowledge'],
      ['POST', '/api/alerts/stuck%2Fx/silence'],
      ['PUT', '/api/definitions/p'],
    ] as const) {
      expect(refuseOnQueryNode(route(method, path))).toBeUndefined();
    }
  });
});
