import { context, trace } from '@opentelemetry/api';
import { AsyncHooksContextManager } from '@opentelemetry/context-async-hooks';
import { TraceState } from '@opentelemetry/core';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeTraceContext } from '../src/index.ts';
import { testClient } from './helpers.ts';

const contextManager = new AsyncHooksContextManager();
const provider = new BasicTracerProvider();
const tracer = provider.getTracer('flowtrail-sdk-test');

beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
});
afterAll(async () => {
  context.disable();
  await provider.shutdown();
});

describe('OpenTelemetry: events carry the active span as traceparent', () => {
  it('an event emitted inside startActiveSpan carries that span', async () => {
    const { ft, transport } = testClient();
    const order = ft.process('order', { instance: '1' });
    const spanContext = await tracer.startActiveSpan('handle-order', async (span) => {
      await Promise.resolve(); // across an await: async-hooks keeps the context
      order.start();
      span.end();
      return span.spanContext();
    });
    order.complete(); // outside any span
    await ft.shutdown();
    const [started, completed] = transport.events;
    expect(started?.traceparent).toBe(`00-${spanContext.traceId}-${spanContext.spanId}-01`);
    expect(started?.tracestate).toBeUndefined();
    expect(completed?.traceparent).toBeUndefined();
  });

  it('carries the tracestate of the span context and propagates it in headers', async () => {
    const { ft } = testClient();
    const parent = trace.wrapSpanContext({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: 1,
      traceState: new TraceState('rojo=00f067aa0ba902b7,congo=t61rcWkgMzE'),
    });
    const headers = context.with(
      trace.setSpan(context.active(), parent),
      () => ft.process('order', { instance: '1' }).messageSent({ to: 'shipping' }).headers,
    );
    expect(headers.traceparent).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    expect(headers.tracestate).toBe('rojo=00f067aa0ba902b7,congo=t61rcWkgMzE');
    await ft.shutdown();
  });

  it('an invalid or absent span yields no trace context', () => {
    expect(activeTraceContext()).toBeUndefined();
    const invalid = trace.wrapSpanContext({
      traceId: '0'.repeat(32),
      spanId: '0'.repeat(16),
      traceFlags: 0,
    });
    expect(
      context.with(trace.setSpan(context.active(), invalid), activeTraceContext),
    ).toBeUndefined();
  });
});
