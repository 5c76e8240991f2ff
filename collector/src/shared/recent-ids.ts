/**
 * `RecentIds` (the acknowledged command ids a collector remembers) is the SDK's, imported
 * through its own entry so the collector does not load the SDK's transports.
 */
export { RecentIds } from '@flowtrail/sdk/recent-ids';
