/**
 * One item parameter (b or a) across calibration runs, oldest to newest, with its 95 % interval
 * (± 1,96 SE). Each run is a focusable link to its page.
 */
import { line } from 'd3';
import type { ReactNode } from 'react';
import { AxisLeft, ChartFigure, figureText, translate, type ChartPoint } from './Chart';
import { axisTicks, frame, linearScale, paddedExtentOf } from './scales';
import { Z95 } from '../../../engine/statistics';
import type { Locale } from './format';

export interface RunValue {
  readonly id: string;
  /** Short label under the axis (e.g. the run's date). */
  readonly tick: string;
  readonly value: number;
  readonly se: number | null;
  readonly label: readonly string[];
  readonly href?: string;
  /** The run this page is about. */
  readonly current?: boolean;
}

export interface RunSeriesChartProps {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly yLabel: string;
  readonly xLabel: string;
  readonly values: readonly RunValue[];
  readonly summary?: ReactNode;
  readonly data?: ReactNode;
  readonly dataLabel?: string;
  readonly pointsLabel?: string;
  readonly locale?: Locale;
}

export function RunSeriesChart(props: RunSeriesChartProps) {
  const f = frame(420, 240, { left: 56, bottom: 52, right: 16 });
  const vs = props.values;
  const bounds = vs.flatMap((v) => (v.se !== null ? [v.value - Z95 * v.se, v.value + Z95 * v.se] : [v.value]));
  const y = linearScale(paddedExtentOf(bounds, 0.1, 0.5), [f.innerHeight, 0], true);
  const step = f.innerWidth / Math.max(1, vs.length);
  const x = (k: number) => (k + 0.5) * step;
  const path = line<RunValue>()
    .x((_, k) => x(k))
    .y((v) => y(v.value));
  const points: ChartPoint[] = vs.map((v, k) => ({
    id: v.id,
    x: f.margin.left + x(k),
    y: f.margin.top + y(v.value),
    shape: v.current ? 'diamond' : 'circle',
    tone: v.current ? 'accent' : 'normal',
    label: v.label,
    href: v.href,
  }));
  const every = Math.max(1, Math.ceil(vs.length / 6));
  return (
    <ChartFigure {...figureText(props)} frame={f} points={points} className="chart-small">
      <g transform={translate(f)}>
        <AxisLeft frame={f} ticks={axisTicks(y, 4, props.locale)} label={props.yLabel} />
        <g className="chart-axis" transform={`translate(0,${f.innerHeight})`}>
          <line className="chart-domain" x1={0} x2={f.innerWidth} y1={0} y2={0} />
          {vs.map((v, k) =>
            k % every === 0 || k === vs.length - 1 ? (
              <text key={v.id} x={x(k)} y={16} textAnchor="middle">
                {v.tick}
              </text>
            ) : null,
          )}
          <text className="chart-axis-label" x={f.innerWidth / 2} y={40} textAnchor="middle">
            {props.xLabel}
          </text>
        </g>
        <path d={path(vs as RunValue[]) ?? ''} className="chart-line series-1 line-solid" />
        {vs.map((v, k) =>
          v.se !== null ? <line key={v.id} className="chart-errorbar" x1={x(k)} x2={x(k)} y1={y(v.value - Z95 * v.se)} y2={y(v.value + Z95 * v.se)} /> : null,
        )}
      </g>
    </ChartFigure>
  );
}
