/** Pure view models for the dashboard (docs/views.md): geometry and numbers, no IO. */
export * from './timeline.ts';
export * from './process-graph.ts';
export * from './ownership.ts';
