import Link from 'next/link';
import { instanceHref } from '@/lib/format';
import type { Timeline } from '@/lib/types';

/** The chart's lanes and parent/child links as lists, every other instance a link. */
export function TimelineLaneList({ timeline }: { timeline: Timeline }) {
  return (
    <>
      <h3 style={{ marginTop: 12 }}>Lanes</h3>
      <ul>
        {timeline.lanes.map((l) => (
          <li key={l.system}>
            <strong>{l.system}</strong>:{' '}
            {l.instances.map((k, i) => (
              <span key={k}>
                {i > 0 ? ', ' : ''}
                {k === timeline.rootKey ? (
                  <strong>{k} (this instance)</strong>
                ) : (
                  <Link href={instanceHref(k)}>{k}</Link>
                )}
              </span>
            ))}
          </li>
        ))}
      </ul>
      {timeline.links.length > 0 && (
        <>
          <h3>Parent and child instances</h3>
          <ul>
            {timeline.links.map((l) => (
              <li key={`${l.parent}>${l.child}`}>
                <Link href={instanceHref(l.parent)}>{l.parent}</Link> →{' '}
                <Link href={instanceHref(l.child)}>{l.child}</Link>
                {l.expectationId ? (
                  <span className="muted"> (expectation {l.expectationId})</span>
                ) : null}
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}
