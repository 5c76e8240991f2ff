/** `RecentIds` (the acknowledged command ids a collector remembers) is the SDK's. */
export { RecentIds } from '@flowtrail/sdk';
