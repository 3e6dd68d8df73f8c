/**
 * The frame every chart shares: a <figure> with a visible title, the drawing as an SVG image with its
 * own title and text description, an optional layer of keyboard-focusable points (links to items, or
 * plain focusable marks) with a visible tooltip, a legend that shows shapes as well as colours, a
 * short summary and the numbers in a <details> table. The drawing is computed with d3 and rendered by
 * React, so it is the same on the server and in the browser, and readable without JavaScript.
 */
import { useCallback, useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { ScaleLinear } from 'd3';
import { symbolPath, type Frame, type Shape, type Tick } from './scales';

export type Tone = 'normal' | 'look' | 'review' | 'muted' | 'accent';

export interface ChartPoint {
  readonly id: string;
  /** Position in the SVG's coordinates (viewBox pixels). */
  readonly x: number;
  readonly y: number;
  readonly shape: Shape;
  readonly tone: Tone;
  /** What the point is, in words: its accessible name and its tooltip (one line per entry). */
  readonly label: readonly string[];
  /** A link (e.g. to the item's page); otherwise the point is a focusable mark. */
  readonly href?: string;
  readonly size?: number;
  /** A short text drawn on the marker (e.g. the skill level). */
  readonly text?: string;
}

export interface LegendEntry {
  readonly label: string;
  readonly shape?: Shape;
  readonly tone?: Tone;
  /** A line sample instead of a marker. */
  readonly line?: 'solid' | 'dashed' | 'dotted';
  readonly lineClass?: string;
  /** A filled area sample. */
  readonly area?: string;
}

export interface ChartFigureProps {
  readonly id: string;
  readonly title: string;
  /** Text alternative of the drawing: what it shows and what to read from it. */
  readonly description: string;
  readonly frame: Frame;
  readonly children: ReactNode;
  readonly points?: readonly ChartPoint[];
  /** Accessible name of the group of focusable points. */
  readonly pointsLabel?: string;
  readonly legend?: readonly LegendEntry[];
  readonly summary?: ReactNode;
  /** The numbers behind the chart, shown in a <details>. */
  readonly data?: ReactNode;
  readonly dataLabel?: string;
  readonly className?: string;
  /** The language of the page: how the frame's own punctuation is written (French spaces before ":" and ";"). */
  readonly locale?: 'fr' | 'en';
}

/** The words of a figure a chart passes through as it was given them: title, description, legend, summary, data, language. */
export type FigureText = Pick<ChartFigureProps, 'id' | 'title' | 'description' | 'pointsLabel' | 'legend' | 'summary' | 'data' | 'dataLabel' | 'locale'>;

export function figureText(props: FigureText): FigureText {
  const { id, title, description, pointsLabel, legend, summary, data, dataLabel, locale } = props;
  return { id, title, description, pointsLabel, legend, summary, data, dataLabel, locale };
}

export function ChartFigure(props: ChartFigureProps) {
  const { id, frame: f, points = [] } = props;
  // Hover and keyboard focus are tracked apart: moving the mouse away never hides the tooltip of the
  // focused point, and Escape hides whichever is shown (WCAG 1.4.13).
  const [focused, setFocused] = useState<ChartPoint | null>(null);
  const [hovered, setHovered] = useState<ChartPoint | null>(null);
  const [dismissed, setDismissed] = useState(false);
  const active = dismissed ? null : (hovered ?? focused);
  const onKeyDown = useCallback((event: KeyboardEvent) => {
    if (event.key === 'Escape') setDismissed(true);
  }, []);
  // A point focused before the page was hydrated gets its tooltip once React is there.
  const overlay = useRef<SVGSVGElement>(null);
  useEffect(() => {
    const element = document.activeElement;
    if (!overlay.current || !element || !overlay.current.contains(element)) return;
    const id = element.getAttribute('data-point');
    setFocused(points.find((p) => p.id === id) ?? null);
    // Only on mount: later focus changes come through onFocus/onBlur.
  }, []);
  const viewBox = `0 0 ${f.width} ${f.height}`;
  const english = props.locale === 'en';
  return (
    <figure className={`chart ${props.className ?? ''}`} id={id} aria-labelledby={`${id}-caption`}>
      <figcaption id={`${id}-caption`} className="chart-title">
        {props.title}
      </figcaption>
      <div className="chart-canvas">
        <svg viewBox={viewBox} role="img" aria-labelledby={`${id}-svg-title ${id}-svg-desc`} className="chart-svg">
          <title id={`${id}-svg-title`}>{props.title}</title>
          <desc id={`${id}-svg-desc`}>{props.description}</desc>
          {props.children}
        </svg>
        {points.length > 0 ? (
          <svg ref={overlay} viewBox={viewBox} className="chart-overlay" role="group" aria-label={props.pointsLabel ?? props.title} onKeyDown={onKeyDown}>
            {points.map((p) => {
              const name = p.label.join(english ? '; ' : ' ; ');
              const mark = (
                <>
                  <circle cx={p.x} cy={p.y} r={9} className="chart-hit" />
                  <path d={symbolPath(p.shape, p.size ?? 70)} transform={`translate(${p.x},${p.y})`} className={`chart-point tone-${p.tone}`} />
                  {p.text ? (
                    <text x={p.x} y={p.y} dy="0.35em" textAnchor="middle" className="chart-point-text">
                      {p.text}
                    </text>
                  ) : null}
                </>
              );
              const handlers = {
                onFocus: () => {
                  setFocused(p);
                  setDismissed(false);
                },
                onBlur: () => setFocused(null),
                onMouseEnter: () => {
                  setHovered(p);
                  setDismissed(false);
                },
                onMouseLeave: () => setHovered(null),
              };
              return p.href ? (
                <a key={p.id} href={p.href} aria-label={name} className="chart-focus" data-point={p.id} {...handlers}>
                  {mark}
                </a>
              ) : (
                <g key={p.id} tabIndex={0} role="img" aria-label={name} className="chart-focus" data-point={p.id} {...handlers}>
                  {mark}
                </g>
              );
            })}
          </svg>
        ) : null}
        {active ? (
          <div
            className={`chart-tooltip${active.x > f.width * 0.6 ? ' left' : ''}`}
            style={{ left: `${(active.x / f.width) * 100}%`, top: `${(active.y / f.height) * 100}%` }}
            aria-hidden="true"
          >
            {active.label.map((line, i) => (
              <span key={i} className={i === 0 ? 'chart-tooltip-head' : undefined}>
                {line}
              </span>
            ))}
          </div>
        ) : null}
      </div>
      {props.legend && props.legend.length > 0 ? <Legend entries={props.legend} /> : null}
      {props.summary ? <div className="chart-summary">{props.summary}</div> : null}
      {props.data ? (
        <details className="chart-data">
          <summary>{props.dataLabel ?? (english ? 'Chart data' : 'Données du graphique')}</summary>
          <div
            className="psy-table-scroll"
            role="region"
            tabIndex={0}
            aria-label={`${props.dataLabel ?? (english ? 'Chart data' : 'Données du graphique')}${english ? ':' : ' :'} ${props.title}`}
          >
            {props.data}
          </div>
        </details>
      ) : null}
    </figure>
  );
}

export function Legend({ entries }: { entries: readonly LegendEntry[] }) {
  return (
    <ul className="chart-legend">
      {entries.map((e) => (
        <li key={e.label}>
          <svg width="28" height="16" viewBox="0 0 28 16" aria-hidden="true" focusable="false">
            {e.area ? <rect x="1" y="2" width="26" height="12" className={e.area} /> : null}
            {e.line ? <line x1="1" x2="27" y1="8" y2="8" className={`chart-line ${e.lineClass ?? ''} line-${e.line}`} /> : null}
            {e.shape ? <path d={symbolPath(e.shape, 60)} transform="translate(14,8)" className={`chart-point tone-${e.tone ?? 'normal'}`} /> : null}
          </svg>
          {e.label}
        </li>
      ))}
    </ul>
  );
}

/** A marker drawn in the static layer (not focusable). */
export function Mark({ x, y, shape, tone, size = 50, text }: { x: number; y: number; shape: Shape; tone: Tone; size?: number; text?: string }) {
  const path = <path d={symbolPath(shape, size)} transform={`translate(${x},${y})`} className={`chart-point tone-${tone}`} />;
  if (!text) return path;
  return (
    <g>
      {path}
      <text x={x} y={y} dy="0.35em" textAnchor="middle" className="chart-point-text">
        {text}
      </text>
    </g>
  );
}

export function AxisBottom({ ticks, frame: f, label, grid = true }: { ticks: readonly Tick[]; frame: Frame; label: string; grid?: boolean }) {
  return (
    <g className="chart-axis" transform={`translate(0,${f.innerHeight})`}>
      {grid ? ticks.map((t) => <line key={`g${t.value}`} className="chart-grid" x1={t.position} x2={t.position} y1={0} y2={-f.innerHeight} />) : null}
      <line className="chart-domain" x1={0} x2={f.innerWidth} y1={0} y2={0} />
      {ticks.map((t) => (
        <g key={t.value} transform={`translate(${t.position},0)`}>
          <line y2={5} className="chart-tick" />
          <text y={18} textAnchor="middle">
            {t.label}
          </text>
        </g>
      ))}
      <text className="chart-axis-label" x={f.innerWidth / 2} y={38} textAnchor="middle">
        {label}
      </text>
    </g>
  );
}

export function AxisLeft({ ticks, frame: f, label, grid = true }: { ticks: readonly Tick[]; frame: Frame; label: string; grid?: boolean }) {
  return (
    <g className="chart-axis">
      {grid ? ticks.map((t) => <line key={`g${t.value}`} className="chart-grid" x1={0} x2={f.innerWidth} y1={t.position} y2={t.position} />) : null}
      <line className="chart-domain" x1={0} x2={0} y1={0} y2={f.innerHeight} />
      {ticks.map((t) => (
        <g key={t.value} transform={`translate(0,${t.position})`}>
          <line x2={-5} className="chart-tick" />
          <text x={-8} dy="0.32em" textAnchor="end">
            {t.label}
          </text>
        </g>
      ))}
      <text className="chart-axis-label" transform={`translate(${-f.margin.left + 14},${f.innerHeight / 2}) rotate(-90)`} textAnchor="middle">
        {label}
      </text>
    </g>
  );
}

/** A clip path of the plotting area, so lines and bands never spill over the axes. */
export function PlotClip({ id, frame: f }: { id: string; frame: Frame }) {
  return (
    <clipPath id={id}>
      <rect x={0} y={0} width={f.innerWidth} height={f.innerHeight} />
    </clipPath>
  );
}

/** A vertical reference line with a label at the top (e.g. b, or a level's cut score). */
export function VerticalMarker({ x, frame: f, label, className = '' }: { x: number; frame: Frame; label: string; className?: string }) {
  if (!(x >= 0 && x <= f.innerWidth)) return null;
  return (
    <g className={`chart-marker ${className}`}>
      <line x1={x} x2={x} y1={0} y2={f.innerHeight} />
      <text x={x + 3} y={10} className="chart-marker-label">
        {label}
      </text>
    </g>
  );
}

export function translate(f: Frame): string {
  return `translate(${f.margin.left},${f.margin.top})`;
}

/** Pixel position of the point in the SVG (margins included), for the focusable layer. */
export function place(f: Frame, x: ScaleLinear<number, number>, y: ScaleLinear<number, number>, dx: number, dy: number): { x: number; y: number } {
  return { x: f.margin.left + x(dx), y: f.margin.top + y(dy) };
}
