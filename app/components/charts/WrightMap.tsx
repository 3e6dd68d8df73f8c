/**
 * Wright map (person–item map): on one vertical θ scale, the histogram of persons' θ̂ to the left and
 * the items at their difficulty b to the right, each item a square carrying its skill level. Items
 * far above or below the persons measure nobody well; gaps in b leave those persons poorly measured.
 */
import type { ReactNode } from 'react';
import { AxisLeft, ChartFigure, figureText, Mark, translate, type ChartPoint, type LegendEntry } from './Chart';
import { axisTicks, frame, linearScale } from './scales';
import type { HistogramBin } from '../../../engine/statistics';
import { paddedExtent } from './stats';
import { formatCount, type Locale } from './format';

export interface WrightItem {
  readonly id: string;
  readonly b: number;
  readonly level: number;
  readonly label: readonly string[];
  readonly href?: string;
}

export interface WrightMapProps {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly thetaLabel: string;
  readonly personsLabel: string;
  readonly itemsLabel: string;
  /** Histogram of persons' θ̂ (equal-width bins). */
  readonly bins: readonly HistogramBin[];
  readonly items: readonly WrightItem[];
  readonly cutScores?: Readonly<Record<string, number>>;
  readonly cutLabel?: (level: string) => string;
  readonly legend?: readonly LegendEntry[];
  readonly summary?: ReactNode;
  readonly data?: ReactNode;
  readonly dataLabel?: string;
  readonly pointsLabel?: string;
  readonly locale?: Locale;
}

const ITEM_SPACING = 15;

export function WrightMap(props: WrightMapProps) {
  const first = props.bins[0];
  const step = first ? first.x1 - first.x0 : 0.25;
  const occupied = props.bins.filter((b) => b.count > 0).flatMap((b) => [b.x0, b.x1]);
  const extent = paddedExtent([...occupied, ...props.items.map((i) => i.b)], step) ?? [-3, 3];
  const f = frame(640, 440, { left: 56, right: 12, bottom: 24, top: 24 });
  const domain: [number, number] = [Math.min(extent[0], -3), Math.max(extent[1], 3)];
  const y = linearScale(domain, [f.innerHeight, 0], true);
  const [lo, hi] = y.domain() as [number, number];
  const bins = props.bins.filter((b) => b.x1 > lo && b.x0 < hi);
  const maxCount = Math.max(1, ...bins.map((b) => b.count));
  const mid = f.innerWidth * 0.45;
  const barScale = (count: number) => (count / maxCount) * (mid - 44);
  // Items stacked in rows of the same θ bin, left to right from the axis.
  const rows = new Map<number, WrightItem[]>();
  for (const item of [...props.items].sort((p, q) => p.level - q.level || p.b - q.b)) {
    const k = Math.floor((Math.min(Math.max(item.b, lo), hi - 1e-9) - lo) / step);
    rows.set(k, [...(rows.get(k) ?? []), item]);
  }
  const capacity = Math.floor((f.innerWidth - mid - 24) / ITEM_SPACING);
  const placed: { item: WrightItem; x: number; y: number }[] = [];
  const overflow: { k: number; extra: number }[] = [];
  for (const [k, items] of rows) {
    const cy = y(lo + (k + 0.5) * step);
    items.slice(0, capacity).forEach((item, n) => placed.push({ item, x: mid + 16 + n * ITEM_SPACING, y: cy }));
    if (items.length > capacity) overflow.push({ k, extra: items.length - capacity });
  }
  const focusable = props.items.length <= 60;
  const points: ChartPoint[] = focusable
    ? placed.map((p) => ({
        id: p.item.id,
        x: f.margin.left + p.x,
        y: f.margin.top + p.y,
        shape: 'square',
        tone: 'normal',
        size: 150,
        text: String(p.item.level),
        label: p.item.label,
        href: p.item.href,
      }))
    : [];
  return (
    <ChartFigure {...figureText(props)} frame={f} points={points} className="wright-map">
      <g transform={translate(f)}>
        <text className="chart-axis-label" x={mid / 2} y={-8} textAnchor="middle">
          {props.personsLabel}
        </text>
        <text className="chart-axis-label" x={mid + (f.innerWidth - mid) / 2} y={-8} textAnchor="middle">
          {props.itemsLabel}
        </text>
        <AxisLeft frame={{ ...f, innerWidth: f.innerWidth }} ticks={axisTicks(y, 8, props.locale)} label={props.thetaLabel} />
        {Object.entries(props.cutScores ?? {})
          .filter(([, v]) => Number.isFinite(v) && v >= lo && v <= hi)
          .map(([level, v]) => (
            <g key={level} className="chart-marker chart-cut-h">
              <line x1={0} x2={f.innerWidth} y1={y(v)} y2={y(v)} />
              <text x={f.innerWidth - 2} y={y(v) - 3} textAnchor="end" className="chart-marker-label">
                {props.cutLabel ? props.cutLabel(level) : level}
              </text>
            </g>
          ))}
        <line className="chart-domain" x1={mid} x2={mid} y1={0} y2={f.innerHeight} />
        {bins.map((b) =>
          b.count > 0 ? (
            <g key={b.x0}>
              <rect className="wright-bar" x={mid - barScale(b.count)} width={barScale(b.count)} y={y(b.x1) + 1} height={Math.max(1, y(b.x0) - y(b.x1) - 2)} />
              {y(b.x0) - y(b.x1) >= 11 ? (
                <text className="wright-count" x={mid - barScale(b.count) - 4} y={(y(b.x0) + y(b.x1)) / 2} dy="0.35em" textAnchor="end">
                  {formatCount(b.count, props.locale)}
                </text>
              ) : null}
            </g>
          ) : null,
        )}
        {focusable ? null : placed.map((p) => <Mark key={p.item.id} x={p.x} y={p.y} shape="square" tone="normal" size={150} text={String(p.item.level)} />)}
        {overflow.map((o) => (
          <text key={o.k} className="wright-count" x={f.innerWidth} y={y(lo + (o.k + 0.5) * step)} dy="0.35em" textAnchor="end">
            +{o.extra}
          </text>
        ))}
      </g>
    </ChartFigure>
  );
}
