/**
 * Curves over θ: item characteristic curve with observed proportions in θ̂ groups (and their
 * intervals), item information, test information and standard error. Series differ by dash pattern
 * as well as colour; observed groups are focusable marks with a tooltip.
 */
import { line } from 'd3';
import type { ReactNode } from 'react';
import { AxisBottom, AxisLeft, ChartFigure, figureText, Mark, PlotClip, VerticalMarker, translate, type ChartPoint, type LegendEntry } from './Chart';
import { axisTicks, frame, linearScale } from './scales';
import type { Locale } from './format';

export interface CurveSeries {
  readonly id: string;
  readonly label: string;
  readonly points: readonly { readonly x: number; readonly y: number }[];
  readonly dash?: 'solid' | 'dashed' | 'dotted';
  /** CSS class for the colour (series-1 … series-3). */
  readonly colour?: string;
}

export interface ObservedPoint {
  readonly id: string;
  readonly x: number;
  readonly y: number;
  /** Interval (e.g. Wilson 95 %). */
  readonly low: number;
  readonly high: number;
  /** What the model expects for this group, drawn as a hollow mark. */
  readonly expected?: number | null;
  readonly label: readonly string[];
}

export interface CurveChartProps {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly xDomain: readonly [number, number];
  /** Fixed y range, or computed from the series (from 0) when omitted. */
  readonly yDomain?: readonly [number, number];
  readonly yFormat?: (value: number) => string;
  readonly series: readonly CurveSeries[];
  readonly observed?: readonly ObservedPoint[];
  readonly observedLabel?: string;
  readonly expectedLabel?: string;
  readonly markers?: readonly { readonly x: number; readonly label: string; readonly className?: string }[];
  readonly summary?: ReactNode;
  readonly data?: ReactNode;
  readonly dataLabel?: string;
  readonly pointsLabel?: string;
  readonly extraLegend?: readonly LegendEntry[];
  readonly width?: number;
  readonly height?: number;
  readonly locale?: Locale;
}

export function CurveChart(props: CurveChartProps) {
  const f = frame(props.width ?? 560, props.height ?? 320);
  const x = linearScale(props.xDomain, [0, f.innerWidth]);
  let yDomain = props.yDomain;
  if (!yDomain) {
    let top = 0;
    for (const s of props.series) for (const p of s.points) if (Number.isFinite(p.y) && p.y > top) top = p.y;
    yDomain = [0, top > 0 ? top * 1.08 : 1];
  }
  const y = linearScale(yDomain, [f.innerHeight, 0], !props.yDomain);
  const path = line<{ x: number; y: number }>()
    .defined((p) => Number.isFinite(p.y))
    .x((p) => x(p.x))
    .y((p) => y(Math.min(Math.max(p.y, y.domain()[0] as number), y.domain()[1] as number)));
  const clip = `${props.id}-clip`;
  const observed = props.observed ?? [];
  const points: ChartPoint[] = observed.map((o) => ({
    id: o.id,
    x: f.margin.left + x(o.x),
    y: f.margin.top + y(o.y),
    shape: 'circle',
    tone: 'normal',
    label: o.label,
  }));
  const legend: LegendEntry[] = [
    ...props.series.map((s) => ({ label: s.label, line: s.dash ?? 'solid', lineClass: s.colour ?? 'series-1' })),
    ...(observed.length > 0 ? [{ label: props.observedLabel ?? 'Observé', shape: 'circle' as const, tone: 'normal' as const }] : []),
    ...(observed.some((o) => o.expected != null) ? [{ label: props.expectedLabel ?? 'Attendu', shape: 'diamond' as const, tone: 'muted' as const }] : []),
    ...(props.extraLegend ?? []),
  ];
  return (
    <ChartFigure {...figureText(props)} frame={f} points={points} legend={legend}>
      <defs>
        <PlotClip id={clip} frame={f} />
      </defs>
      <g transform={translate(f)}>
        <AxisLeft frame={f} ticks={axisTicks(y, 5, props.locale, props.yFormat)} label={props.yLabel} />
        <AxisBottom frame={f} ticks={axisTicks(x, 8, props.locale)} label={props.xLabel} />
        <g clipPath={`url(#${clip})`}>
          {(props.markers ?? []).map((m) => (
            <VerticalMarker key={`${m.label}-${m.x}`} x={x(m.x)} frame={f} label={m.label} className={m.className} />
          ))}
          {props.series.map((s) => (
            <path
              key={s.id}
              d={path(s.points as { x: number; y: number }[]) ?? ''}
              className={`chart-line ${s.colour ?? 'series-1'} line-${s.dash ?? 'solid'}`}
            />
          ))}
          {observed.map((o) => (
            <g key={o.id}>
              <line className="chart-errorbar" x1={x(o.x)} x2={x(o.x)} y1={y(o.low)} y2={y(o.high)} />
              <line className="chart-errorbar" x1={x(o.x) - 4} x2={x(o.x) + 4} y1={y(o.low)} y2={y(o.low)} />
              <line className="chart-errorbar" x1={x(o.x) - 4} x2={x(o.x) + 4} y1={y(o.high)} y2={y(o.high)} />
              {o.expected != null ? <Mark x={x(o.x) + 9} y={y(o.expected)} shape="diamond" tone="muted" size={36} /> : null}
            </g>
          ))}
        </g>
      </g>
    </ChartFigure>
  );
}
