/**
 * Distribution of measured difficulty b by the authors' skill level (1–8): a box plot per level with
 * every item drawn on top (jittered strip), flagged items with their own shape and as focusable links.
 * Do the authors' levels agree with the data? Boxes should climb from left to right.
 */
import type { ReactNode } from 'react';
import { AxisLeft, ChartFigure, figureText, Mark, translate, type ChartPoint, type LegendEntry, type Tone } from './Chart';
import { axisTicks, frame, jitter, linearScale, paddedExtentOf, type Shape } from './scales';
import { boxStats } from '../../../engine/statistics';
import type { Locale } from './format';

export interface LevelItem {
  readonly id: string;
  readonly level: number;
  readonly b: number;
  readonly shape: Shape;
  readonly tone: Tone;
  readonly label: readonly string[];
  readonly href?: string;
  readonly focusable?: boolean;
}

export interface LevelChartProps {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly xLabel: string;
  readonly yLabel: string;
  /** "Niveau {level}" */
  readonly levelLabel: (level: number) => string;
  readonly items: readonly LevelItem[];
  readonly levels?: readonly number[];
  /** θ cut score of each level (drawn as a short dashed line across the level's column). */
  readonly cutScores?: Readonly<Record<string, number>>;
  readonly legend?: readonly LegendEntry[];
  readonly summary?: ReactNode;
  readonly data?: ReactNode;
  readonly dataLabel?: string;
  readonly pointsLabel?: string;
  readonly locale?: Locale;
}

export function LevelChart(props: LevelChartProps) {
  const f = frame(640, 360, { bottom: 52 });
  const levels = props.levels ?? [1, 2, 3, 4, 5, 6, 7, 8];
  const cuts = Object.values(props.cutScores ?? {}).filter((v) => Number.isFinite(v));
  const y = linearScale(paddedExtentOf([...props.items.map((i) => i.b), ...cuts], 0.3, 1), [f.innerHeight, 0], true);
  const band = f.innerWidth / levels.length;
  const centre = (level: number) => (levels.indexOf(level) + 0.5) * band;
  const jitterX = (i: LevelItem) => centre(i.level) + jitter(i.id) * band * 0.3;
  const boxes = levels.map((level) => ({
    level,
    s: boxStats(props.items.filter((i) => i.level === level).map((i) => i.b)),
    cx: centre(level),
    w: band * 0.55,
    cut: props.cutScores?.[String(level)],
  }));
  const points: ChartPoint[] = props.items
    .filter((i) => i.focusable && levels.includes(i.level))
    .map((i) => ({ id: i.id, x: f.margin.left + jitterX(i), y: f.margin.top + y(i.b), shape: i.shape, tone: i.tone, label: i.label, href: i.href }));
  return (
    <ChartFigure {...figureText(props)} frame={f} points={points}>
      <g transform={translate(f)}>
        <AxisLeft frame={f} ticks={axisTicks(y, 6, props.locale)} label={props.yLabel} />
        <g className="chart-axis" transform={`translate(0,${f.innerHeight})`}>
          <line className="chart-domain" x1={0} x2={f.innerWidth} y1={0} y2={0} />
          {levels.map((level) => (
            <text key={level} x={centre(level)} y={18} textAnchor="middle">
              {props.levelLabel(level)}
            </text>
          ))}
          <text className="chart-axis-label" x={f.innerWidth / 2} y={40} textAnchor="middle">
            {props.xLabel}
          </text>
        </g>
        {boxes.map(({ level, s, cx, w }) =>
          s ? <rect key={`f${level}`} className="chart-box-fill" x={cx - w / 2} width={w} y={y(s.q3)} height={Math.max(1, y(s.q1) - y(s.q3))} /> : null,
        )}
        <g className="chart-strip">
          {props.items
            .filter((i) => !i.focusable && levels.includes(i.level))
            .map((i) => (
              <Mark key={i.id} x={jitterX(i)} y={y(i.b)} shape={i.shape} tone={i.tone} size={i.tone === 'normal' ? 24 : 50} />
            ))}
        </g>
        {boxes.map(({ level, s, cx, w, cut }) => (
          <g key={level} className="chart-box">
            {
              s ? (
                <>
                  <line x1={cx} x2={cx} y1={y(s.lowerWhisker)} y2={y(s.q1)} />
                  <line x1={cx} x2={cx} y1={y(s.q3)} y2={y(s.upperWhisker)} />
                  <line x1={cx - w / 4} x2={cx + w / 4} y1={y(s.lowerWhisker)} y2={y(s.lowerWhisker)} />
                  <line x1={cx - w / 4} x2={cx + w / 4} y1={y(s.upperWhisker)} y2={y(s.upperWhisker)} />
                  <rect x={cx - w / 2} width={w} y={y(s.q3)} height={Math.max(1, y(s.q1) - y(s.q3))} />
                  <line className="chart-median" x1={cx - w / 2} x2={cx + w / 2} y1={y(s.median)} y2={y(s.median)} />
                </>
              ) : null /* A level without challenges draws nothing (the data table says it has none). */
            }
            {cut !== undefined && Number.isFinite(cut) ? (
              <line className="chart-cut" x1={cx - band / 2 + 2} x2={cx + band / 2 - 2} y1={y(cut)} y2={y(cut)} />
            ) : null}
          </g>
        ))}
      </g>
    </ChartFigure>
  );
}
