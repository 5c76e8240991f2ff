import { TableSkeleton } from '@/components/skeletons';

export default function Loading() {
  return (
    <>
      <div className="page-head">
        <div className="skeleton" style={{ width: 320, height: 32 }} />
      </div>
      <TableSkeleton rows={8} label="Loading ownership" />
    </>
  );
}
