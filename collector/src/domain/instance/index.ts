/** The collector's pure core: instance state and the fold that builds it. */
export type * from './instance-state.ts';
export { foldInstance, foldInstanceAsOf } from './fold.ts';
export { canonicalJson } from './canonical-json.ts';
export {
  compareEvents,
  dedupeById,
  earliestTime,
  instantOf,
  orderEvents,
  phaseRank,
} from './event-order.ts';
export { stepSamples, type StepSample } from './step-samples.ts';
