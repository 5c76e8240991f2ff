/** The process map's placeholder while the route loads: the size of the map to come. */
import { BlockSkeleton } from '@/components/skeletons';

export default function Loading() {
  return (
    <>
      <div className="page-head">
        <div className="skeleton" style={{ width: 320, height: 32 }} />
      </div>
      <BlockSkeleton height={420} label="Loading process map" />
    </>
  );
}
