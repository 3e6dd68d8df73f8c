/**
 * Scatter of items: new b against active b (drift), run A against run B, infit against outfit.
 * Optional identity line with bands around it (|y − x| ≤ w), an acceptable rectangle, reference
 * lines. Flagged items get their own shape and colour and a text label; they (and only they, so the
 * tab order stays short) are focusable links to the item's page; every item is in the data table.
 */
import type { ReactNode } from 'react';
import { AxisBottom, AxisLeft, ChartFigure, figureText, Mark, PlotClip, translate, type ChartPoint, type LegendEntry, type Tone } from './Chart';
import { axisTicks, diagonalBand, diagonalSegment, frame, linearScale, paddedExtentOf, placeLabels, type Shape } from './scales';
import type { Locale } from './format';

export interface ScatterItem {
  readonly id: string;
  readonly x: number;
  readonly y: number;
  readonly shape: Shape;
  readonly tone: Tone;
  readonly label: readonly string[];
  readonly href?: string;
  /** Shown next to the point (e.g. the challenge key of a flagged item). */
  readonly tag?: string;
  /** In the keyboard layer (with a tooltip); others are drawn only. */
  readonly focusable?: boolean;
}

export interface ScatterChartProps {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly items: readonly ScatterItem[];
  /** Same domain on both axes (for identity comparisons). */
  readonly square?: boolean;
  readonly identity?: boolean;
  /** Half-widths of bands around the identity line, widest first (e.g. [0.5, 0.3]). */
  readonly bands?: readonly { readonly width: number; readonly className: string; readonly label: string }[];
  /** An acceptable region (e.g. infit 0.7–1.3 × outfit 0.5–1.5). */
  readonly region?: { readonly x: readonly [number, number]; readonly y: readonly [number, number]; readonly label: string };
  readonly xDomain?: readonly [number, number];
  readonly yDomain?: readonly [number, number];
  readonly legend?: readonly LegendEntry[];
  readonly summary?: ReactNode;
  readonly data?: ReactNode;
  readonly dataLabel?: string;
  readonly pointsLabel?: string;
  readonly width?: number;
  readonly height?: number;
  readonly locale?: Locale;
}

export function ScatterChart(props: ScatterChartProps) {
  const width = props.width ?? 520;
  const f = frame(width, props.height ?? (props.square ? width - 40 : 360));
  const xs = props.items.map((i) => i.x);
  const ys = props.items.map((i) => i.y);
  let xDomain = props.xDomain ?? paddedExtentOf(xs, 0.2, 1);
  let yDomain = props.yDomain ?? paddedExtentOf(ys, 0.2, 1);
  if (props.square && !props.xDomain && !props.yDomain) {
    const both = paddedExtentOf([...xs, ...ys], 0.2, 1);
    xDomain = both;
    yDomain = both;
  }
  if (props.region) {
    xDomain = [Math.min(xDomain[0], props.region.x[0] - 0.1), Math.max(xDomain[1], props.region.x[1] + 0.1)];
    yDomain = [Math.min(yDomain[0], props.region.y[0] - 0.1), Math.max(yDomain[1], props.region.y[1] + 0.1)];
  }
  const x = linearScale(xDomain, [0, f.innerWidth], true);
  const y = linearScale(yDomain, [f.innerHeight, 0], true);
  const xd = x.domain() as [number, number];
  const yd = y.domain() as [number, number];
  const clip = `${props.id}-clip`;
  const identity = props.identity ? diagonalSegment(xd, yd) : null;
  const focusable: ChartPoint[] = props.items
    .filter((i) => i.focusable)
    .map((i) => ({ id: i.id, x: f.margin.left + x(i.x), y: f.margin.top + y(i.y), shape: i.shape, tone: i.tone, label: i.label, href: i.href }));
  // Drawn-only points first, then the flagged ones on top.
  const order = [...props.items].sort((p, q) => Number(p.tone !== 'normal') - Number(q.tone !== 'normal'));
  return (
    <ChartFigure {...figureText(props)} frame={f} points={focusable} className={props.square ? 'chart-square' : undefined}>
      <defs>
        <PlotClip id={clip} frame={f} />
      </defs>
      <g transform={translate(f)}>
        <g clipPath={`url(#${clip})`}>
          {(props.bands ?? []).map((band) => (
            <polygon
              key={band.width}
              className={band.className}
              points={diagonalBand(xd, band.width)
                .map(([px, py]) => `${x(px)},${y(py)}`)
                .join(' ')}
            />
          ))}
          {props.region ? (
            <rect
              className="band-ok"
              x={x(props.region.x[0])}
              y={y(props.region.y[1])}
              width={x(props.region.x[1]) - x(props.region.x[0])}
              height={y(props.region.y[0]) - y(props.region.y[1])}
            />
          ) : null}
        </g>
        <AxisLeft frame={f} ticks={axisTicks(y, 6, props.locale)} label={props.yLabel} />
        <AxisBottom frame={f} ticks={axisTicks(x, 6, props.locale)} label={props.xLabel} />
        <g clipPath={`url(#${clip})`}>
          {(props.bands ?? []).flatMap((band) =>
            [band.width, -band.width].map((offset) => {
              const s = diagonalSegment(xd, yd, offset);
              return s ? <line key={`${band.width}${offset}`} className="chart-band-edge" x1={x(s.x1)} y1={y(s.y1)} x2={x(s.x2)} y2={y(s.y2)} /> : null;
            }),
          )}
          {identity ? <line className="chart-identity" x1={x(identity.x1)} y1={y(identity.y1)} x2={x(identity.x2)} y2={y(identity.y2)} /> : null}
          {order.map((i) =>
            i.focusable ? null : <Mark key={i.id} x={x(i.x)} y={y(i.y)} shape={i.shape} tone={i.tone} size={i.tone === 'normal' ? 36 : 60} />,
          )}
        </g>
        {placeLabels(
          props.items
            .filter((i) => i.tag)
            .map((i) => ({
              id: i.id,
              x: x(i.x),
              y: y(i.y),
              text: i.tag as string,
              // Around an identity line the points crowd the diagonal: room is away from it, on the point's side.
              ...(identity ? { away: (i.y > i.x ? [-Math.SQRT1_2, -Math.SQRT1_2] : [Math.SQRT1_2, Math.SQRT1_2]) as [number, number] } : {}),
            })),
          f.innerWidth,
          f.innerHeight,
          { obstacles: props.items.map((i) => ({ x: x(i.x), y: y(i.y), r: i.tone === 'normal' ? 4.5 : 5.5 })) },
        ).map((l) => (
          <g key={`t${l.id}`}>
            {l.leader ? <line className="chart-leader" x1={l.leader.x1} y1={l.leader.y1} x2={l.leader.x2} y2={l.leader.y2} /> : null}
            <text className="chart-point-label" x={l.x} y={l.y} textAnchor={l.anchor}>
              {l.text}
            </text>
          </g>
        ))}
      </g>
    </ChartFigure>
  );
}
