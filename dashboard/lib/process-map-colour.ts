/**
 * The process map's colours: a sequential scale by frequency (blue, as Disco's) or by
 * duration (orange to red), the text colour that stays readable on a fill, and a step's
 * SLA band against the deadline of the definition. Pure.
 */
import { deadlineBand, type DeadlineBand, type StepDeadline } from '@/lib/heatmap-metric';

export const COLOUR_BY = [
  { value: 'frequency', label: 'Frequency' },
  { value: 'duration', label: 'Duration' },
] as const;
export type ColourBy = (typeof COLOUR_BY)[number]['value'];

export function parseColourBy(value: string | undefined): ColourBy {
  return value === 'duration' ? 'duration' : 'frequency';
}

type Rgb = readonly [number, number, number];

/** The light and the dark end of each scale. */
const SCALES: Record<ColourBy, readonly [Rgb, Rgb]> = {
  frequency: [
    [0xe3, 0xf2, 0xfd],
    [0x0d, 0x47, 0xa1],
  ],
  duration: [
    [0xff, 0xf3, 0xe0],
    [0xb7, 0x1c, 0x1c],
  ],
};

/** A node without a value on the scale (a step with no known duration). */
export const NEUTRAL_FILL = '#f0f2f4';

export const SLA_STROKE: Record<DeadlineBand, string> = {
  ok: '#2e7d32',
  near: '#b26a00',
  over: '#c62828',
};

const hex = (rgb: Rgb): string =>
  `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;

/**
 * How far along the scale a value is, 0..1. The square root spreads the many small
 * values of a skewed log (a few paths carry most instances) instead of painting them all
 * the palest shade.
 */
export function intensity(value: number, max: number): number {
  if (!(max > 0) || !(value > 0)) return 0;
  return Math.sqrt(Math.min(1, value / max));
}

/** The fill at intensity `t` (0 = light end, 1 = dark end). */
export function scaleColour(t: number, by: ColourBy): string {
  const [a, b] = SCALES[by];
  const k = Math.min(1, Math.max(0, t));
  const at = (i: 0 | 1 | 2) => a[i] + (b[i] - a[i]) * k;
  return hex([at(0), at(1), at(2)]);
}

/** An edge's stroke: never lighter than a third of the scale, or it vanishes on white. */
export function edgeColour(t: number, by: ColourBy): string {
  return scaleColour(0.35 + 0.65 * Math.min(1, Math.max(0, t)), by);
}

function luminance(colour: string): number {
  const n = Number.parseInt(colour.slice(1), 16);
  const channel = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return (
    0.2126 * channel((n >> 16) & 255) + 0.7152 * channel((n >> 8) & 255) + 0.0722 * channel(n & 255)
  );
}

/** WCAG contrast ratio of two `#rrggbb` colours. */
export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

// Pure black: with it, dark or white text reaches 4.5:1 on any fill (#1b1f24 would not).
export const DARK_TEXT = '#000000';
export const LIGHT_TEXT = '#ffffff';

/** Dark or white text, whichever contrasts more with the fill (always ≥ 4.5:1 here). */
export function textOn(fill: string): string {
  return contrast(fill, DARK_TEXT) >= contrast(fill, LIGHT_TEXT) ? DARK_TEXT : LIGHT_TEXT;
}

/**
 * A step against its deadline: the band of its median (heatmap-metric's bands), raised
 * to `near` when the median is fine but the p95 reaches the deadline — the slowest
 * twentieth already misses the SLA. No deadline or no duration: no band.
 */
export function slaBand(
  medianMs: number | undefined,
  p95Ms: number | undefined,
  deadline: StepDeadline | undefined,
): DeadlineBand | undefined {
  if (deadline === undefined) return undefined;
  const value = medianMs ?? p95Ms;
  if (value === undefined) return undefined;
  const band = deadlineBand(value, deadline.ms);
  if (band === 'ok' && p95Ms !== undefined && p95Ms >= deadline.ms) return 'near';
  return band;
}
