/**
 * Layout and scales of the SVG charts: d3 computes positions, ticks and shapes; React renders them.
 * Nothing here touches the DOM, so charts render the same on the server and in the browser.
 */
import { scaleLinear, symbol, symbolCircle, symbolCross, symbolDiamond, symbolSquare, symbolTriangle, symbolWye, type ScaleLinear } from 'd3';
import { formatNumber, type Locale } from './format';
import { paddedExtent } from './stats';

export interface Margin {
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
  readonly left: number;
}

export interface Frame {
  readonly width: number;
  readonly height: number;
  readonly margin: Margin;
  readonly innerWidth: number;
  readonly innerHeight: number;
}

export const DEFAULT_MARGIN: Margin = { top: 16, right: 20, bottom: 48, left: 60 };

export function frame(width: number, height: number, margin: Partial<Margin> = {}): Frame {
  const m = { ...DEFAULT_MARGIN, ...margin };
  return { width, height, margin: m, innerWidth: Math.max(1, width - m.left - m.right), innerHeight: Math.max(1, height - m.top - m.bottom) };
}

/** A linear scale; `nice` rounds the domain out to tick values. */
export function linearScale(domain: readonly [number, number], range: readonly [number, number], nice = false): ScaleLinear<number, number> {
  const [lo, hi] = domain[0] === domain[1] ? [domain[0] - 0.5, domain[1] + 0.5] : domain;
  const scale = scaleLinear().domain([lo, hi]).range([range[0], range[1]]);
  return nice ? scale.nice() : scale;
}

export interface Tick {
  readonly value: number;
  /** Position in pixels along the axis. */
  readonly position: number;
  readonly label: string;
}

/** About `count` round tick values of the scale, labelled in French (decimal comma). */
export function axisTicks(scale: ScaleLinear<number, number>, count = 6, locale: Locale = 'fr', format?: (value: number) => string): Tick[] {
  const values = scale.ticks(count);
  const step = values.length > 1 ? Math.abs((values[1] as number) - (values[0] as number)) : 1;
  const digits = Math.max(0, Math.min(3, -Math.floor(Math.log10(step) + 1e-9)));
  return values.map((value) => ({
    value,
    position: scale(value),
    label: format ? format(value) : formatNumber(Math.abs(value) < 1e-12 ? 0 : value, digits, locale),
  }));
}

/** The part of the line y = x + offset inside the box [x0, x1] × [y0, y1], or null. */
export function diagonalSegment(
  x: readonly [number, number],
  y: readonly [number, number],
  offset = 0,
): { x1: number; y1: number; x2: number; y2: number } | null {
  const start = Math.max(x[0], y[0] - offset);
  const end = Math.min(x[1], y[1] - offset);
  if (!(end > start)) return null;
  return { x1: start, y1: start + offset, x2: end, y2: end + offset };
}

/** Polygon (data coordinates) of the band |y − x| ≤ width over the x domain; clip it to the plot. */
export function diagonalBand(x: readonly [number, number], width: number): [number, number][] {
  return [
    [x[0], x[0] - width],
    [x[1], x[1] - width],
    [x[1], x[1] + width],
    [x[0], x[0] + width],
  ];
}

export type Shape = 'circle' | 'triangle' | 'square' | 'diamond' | 'cross' | 'wye';

const SYMBOLS = {
  circle: symbolCircle,
  triangle: symbolTriangle,
  square: symbolSquare,
  diamond: symbolDiamond,
  cross: symbolCross,
  wye: symbolWye,
} as const;

/** SVG path of a marker shape centred on (0, 0), `size` its area in px². */
export function symbolPath(shape: Shape, size = 64): string {
  return symbol(SYMBOLS[shape], size)() ?? '';
}

/** Deterministic horizontal jitter in [−1, 1] from a string (same on the server and in the browser). */
export function jitter(key: string): number {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return ((h >>> 0) / 4294967295) * 2 - 1;
}

/** paddedExtent, or [−1, 1] when there is no finite value. */
export function paddedExtentOf(values: readonly number[], pad = 0, minSpan = 0): [number, number] {
  return paddedExtent(values, pad, minSpan) ?? [-1, 1];
}

export interface LabelRequest {
  readonly id: string;
  /** Anchor point in pixels (the marker's centre). */
  readonly x: number;
  readonly y: number;
  readonly text: string;
  /**
   * Where there is room for a label moved away from its point (a unit vector in pixels, e.g. away from a
   * diagonal crowded with points). Without it, only the six spots next to the point are tried.
   */
  readonly away?: readonly [number, number];
}

export interface PlacedLabel {
  readonly id: string;
  readonly x: number;
  readonly y: number;
  readonly anchor: 'start' | 'end';
  readonly text: string;
  /** A leader line from the point to the label, when the label was moved away from its point. */
  readonly leader?: { readonly x1: number; readonly y1: number; readonly x2: number; readonly y2: number };
}

export interface LabelOptions {
  /** Width of one character: bold 10.5 px text of the common sans-serif fonts is at most about 7.2 px. */
  readonly charWidth?: number;
  readonly lineHeight?: number;
  /** Markers labels must not cover (centre and radius in pixels). */
  readonly obstacles?: readonly { readonly x: number; readonly y: number; readonly r: number }[];
  /** Farthest a label may be moved away from its point (pixels), with a leader line. */
  readonly maxDistance?: number;
}

type Box = { x0: number; x1: number; y0: number; y1: number };

/**
 * Placement of point labels without overlaps, greedy in order of the requests (most important first).
 * Each label takes the first free spot among right, left, above-right, below-right, above-left and
 * below-left of its point; when none is free and the request says where there is room (`away`), spots
 * farther in that direction (slid a little along the perpendicular too) are tried, and the label is
 * joined to its point by a leader line. A spot is free when it is inside the plot, clear of the labels
 * already placed (with a 2 px margin for the text's halo) and of the markers given as obstacles. A label
 * with no free spot is left out (its point keeps its tooltip and its row in the data table).
 */
export function placeLabels(requests: readonly LabelRequest[], width: number, height: number, options: LabelOptions = {}): PlacedLabel[] {
  const charWidth = options.charWidth ?? 7.2;
  const lineHeight = options.lineHeight ?? 13;
  const maxDistance = options.maxDistance ?? 110;
  const obstacles = options.obstacles ?? [];
  const boxes: Box[] = [];
  const placed: PlacedLabel[] = [];
  const pad = 2;
  const hitsBox = (box: Box) => boxes.some((b) => b.x0 - pad < box.x1 && box.x0 < b.x1 + pad && b.y0 - pad < box.y1 && box.y0 < b.y1 + pad);
  const hitsMarker = (box: Box) =>
    obstacles.some((o) => {
      const nx = Math.max(box.x0, Math.min(o.x, box.x1));
      const ny = Math.max(box.y0, Math.min(o.y, box.y1));
      return (nx - o.x) ** 2 + (ny - o.y) ** 2 < o.r ** 2;
    });
  for (const r of requests) {
    const w = r.text.length * charWidth;
    const boxAt = (x: number, baseline: number, anchor: 'start' | 'end'): Box => ({
      x0: anchor === 'start' ? x : x - w,
      x1: anchor === 'start' ? x + w : x,
      y0: baseline - lineHeight + 3,
      y1: baseline + 3,
    });
    const free = (box: Box) => box.x0 >= 0 && box.x1 <= width && box.y0 >= 0 && box.y1 <= height && !hitsBox(box) && !hitsMarker(box);
    let chosen: { x: number; baseline: number; anchor: 'start' | 'end'; box: Box; far: boolean } | null = null;
    const near: { dx: number; dy: number; anchor: 'start' | 'end' }[] = [
      { dx: 8, dy: 4, anchor: 'start' },
      { dx: -8, dy: 4, anchor: 'end' },
      { dx: 6, dy: -9, anchor: 'start' },
      { dx: 6, dy: 16, anchor: 'start' },
      { dx: -6, dy: -9, anchor: 'end' },
      { dx: -6, dy: 16, anchor: 'end' },
    ];
    for (const c of near) {
      const box = boxAt(r.x + c.dx, r.y + c.dy, c.anchor);
      if (free(box)) {
        chosen = { x: r.x + c.dx, baseline: r.y + c.dy, anchor: c.anchor, box, far: false };
        break;
      }
    }
    if (!chosen && r.away) {
      const [ax, ay] = r.away;
      // The label's box grows from its anchor on the side away from the point.
      const anchor: 'start' | 'end' = ax >= 0 ? 'start' : 'end';
      search: for (let d = 18; d <= maxDistance; d += 8) {
        for (const slide of [0, 8, -8, 16, -16, 24, -24]) {
          const cx = r.x + ax * d - ay * slide;
          const cy = r.y + ay * d + ax * slide;
          // The anchor sits at the box's corner nearest the point; near an edge of the plot, the box is
          // slid back inside (the leader line still finds it).
          const baseline = Math.min(height - 3, Math.max(lineHeight - 3, ay >= 0 ? cy + lineHeight - 3 : cy - 3));
          const x = anchor === 'start' ? Math.min(cx, width - w) : Math.max(cx, w);
          const box = boxAt(x, baseline, anchor);
          if (free(box)) {
            chosen = { x, baseline, anchor, box, far: true };
            break search;
          }
        }
      }
    }
    if (!chosen) continue;
    boxes.push(chosen.box);
    let leader: PlacedLabel['leader'];
    if (chosen.far) {
      // From the marker's edge to the nearest point of the label's box.
      const tx = Math.max(chosen.box.x0, Math.min(r.x, chosen.box.x1));
      const ty = Math.max(chosen.box.y0, Math.min(r.y, chosen.box.y1));
      const length = Math.hypot(tx - r.x, ty - r.y) || 1;
      leader = { x1: r.x + ((tx - r.x) / length) * 5, y1: r.y + ((ty - r.y) / length) * 5, x2: tx, y2: ty };
    }
    placed.push({ id: r.id, x: chosen.x, y: chosen.baseline, anchor: chosen.anchor, text: r.text, ...(leader ? { leader } : {}) });
  }
  return placed;
}
