'use client';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

export interface BottleneckDatum {
  step: string;
  totalMin: number;
}

/**
 * Total time per step, highest first (the bottleneck ranking), as horizontal bars. A
 * picture of the ranking table next to it, so hidden from assistive technology and out
 * of the tab order (recharts' keyboard layer off: aria-hidden content must not focus).
 */
export function BottleneckChart({ data }: { data: BottleneckDatum[] }) {
  const height = Math.max(160, data.length * 32 + 40);
  return (
    <div style={{ height }} aria-hidden="true">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart
          data={data}
          layout="vertical"
          accessibilityLayer={false}
          margin={{ top: 4, right: 24, bottom: 4, left: 8 }}
        >
          <CartesianGrid strokeDasharray="3 3" horizontal={false} />
          <XAxis type="number" unit=" min" tick={{ fontSize: 12 }} />
          <YAxis type="category" dataKey="step" width={130} tick={{ fontSize: 12 }} />
          <Tooltip formatter={(v) => [`${Number(v).toFixed(1)} min`, 'total time']} />
          <Bar dataKey="totalMin" fill="#1f5fbf" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
