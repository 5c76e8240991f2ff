import { COLORS, CRITICAL } from '@/components/timeline-items';

/** The chart's legend (decorative: every mark has its own title). */
export function TimelineLegend() {
  return (
    <div className="legend" aria-hidden="true">
      <span>
        <i style={{ background: COLORS.completed }} />
        completed
      </span>
      <span>
        <i style={{ background: COLORS.running }} />
        running (▸ in flight)
      </span>
      <span>
        <i style={{ background: COLORS.failed }} />
        failed
      </span>
      <span>
        <i style={{ background: 'url(#wait-hatch)', border: '1px solid #8e6bbf' }} />
        wait
      </span>
      <span>
        <i style={{ background: '#d35400', height: 3 }} />
        message
      </span>
      <span>
        <i style={{ background: '#c62828', transform: 'rotate(45deg)', width: 9, height: 9 }} />
        alert
      </span>
      <span>
        <i style={{ borderTop: '2px dashed #b0bec5', height: 0 }} />
        idle gap
      </span>
      <span>
        <i style={{ border: `2px solid ${CRITICAL}`, background: 'transparent' }} />
        critical path
      </span>
      <span>
        <i style={{ borderTop: '2px dashed #d35400', height: 0 }} />
        resent on command
      </span>
    </div>
  );
}
