/** Charts of the dashboards: computed with d3, drawn as SVG by React (same output on server and client). Each has a text alternative. */
import { area, line, scaleBand, scaleLinear, scaleTime } from 'd3';
import { useLocale, useMessages } from '~/i18n';
import { orgaMessages } from '~/i18n/orga';
import { activityTickDays } from './chart-days';

export function HorizontalBars({ data, label }: { data: { label: string; value: number }[]; label: string }) {
  const rowHeight = 26;
  const width = 640;
  const labelWidth = 260;
  const height = data.length * rowHeight + 24;
  const x = scaleLinear()
    .domain([0, 100])
    .range([labelWidth, width - 50]);
  const y = scaleBand<number>()
    .domain(data.map((_, i) => i))
    .range([0, data.length * rowHeight])
    .padding(0.2);
  return (
    <figure className="chart">
      <svg role="img" aria-label={label} viewBox={`0 0 ${width} ${height}`} width="100%">
        {x.ticks(5).map((tick) => (
          <g key={tick}>
            <line x1={x(tick)} x2={x(tick)} y1={0} y2={data.length * rowHeight} stroke="#ddd" />
            <text x={x(tick)} y={height - 6} textAnchor="middle" fontSize="11" fill="#444">
              {tick} %
            </text>
          </g>
        ))}
        {data.map((d, i) => (
          <g key={i}>
            <text x={labelWidth - 6} y={(y(i) ?? 0) + y.bandwidth() / 2 + 4} textAnchor="end" fontSize="12" fill="#222">
              {d.label.length > 40 ? `${d.label.slice(0, 39)}…` : d.label}
            </text>
            <rect x={labelWidth} y={y(i)} width={Math.max(0, x(d.value) - labelWidth)} height={y.bandwidth()} fill="#3d68ff" />
            <text x={x(d.value) + 4} y={(y(i) ?? 0) + y.bandwidth() / 2 + 4} fontSize="12" fill="#222">
              {d.value} %
            </text>
          </g>
        ))}
      </svg>
    </figure>
  );
}

export function ActivityChart({ data, label }: { data: { day: string; participants: number; shared: number }[]; label: string }) {
  const t = useMessages(orgaMessages);
  const locale = useLocale();
  const width = 640;
  const height = 220;
  const margin = { top: 10, right: 20, bottom: 30, left: 40 };
  if (data.length === 0) return null;
  const dayLabel = (day: string) =>
    new Date(`${day}T12:00:00Z`).toLocaleDateString(locale === 'en' ? 'en-GB' : 'fr-FR', { day: '2-digit', month: '2-digit', timeZone: 'UTC' });
  const max = Math.max(1, ...data.map((d) => d.participants));
  const y = scaleLinear()
    .domain([0, max])
    .nice()
    .range([height - margin.bottom, margin.top]);
  const grid = y.ticks(4).map((tick) => (
    <g key={tick}>
      <line x1={margin.left} x2={width - margin.right} y1={y(tick)} y2={y(tick)} stroke="#e3e3e3" />
      <text x={margin.left - 6} y={y(tick) + 4} textAnchor="end" fontSize="11" fill="#444">
        {tick}
      </text>
    </g>
  ));
  const legend = (
    <figcaption>
      <span className="legend legend-participants">{t('chart.participants')}</span> · <span className="legend legend-shared">{t('chart.shared')}</span>
    </figcaption>
  );
  if (data.length === 1) {
    // A single day: a line has nothing to join, so two bars side by side, labelled once.
    const d = data[0]!;
    const centre = (margin.left + width - margin.right) / 2;
    const bar = 48;
    return (
      <figure className="chart">
        <svg role="img" aria-label={label} viewBox={`0 0 ${width} ${height}`} width="100%">
          {grid}
          <rect x={centre - bar - 2} y={y(d.participants)} width={bar} height={y(0) - y(d.participants)} fill="#3d68ff" fillOpacity={0.35} stroke="#3d68ff" />
          <rect
            x={centre + 2}
            y={y(d.shared)}
            width={bar}
            height={y(0) - y(d.shared)}
            fill="#0a7d32"
            fillOpacity={0.35}
            stroke="#0a7d32"
            strokeWidth={2}
            strokeDasharray="5 3"
          />
          <text x={centre} y={height - 10} textAnchor="middle" fontSize="11" fill="#444" data-testid="activity-day">
            {dayLabel(d.day)}
          </text>
        </svg>
        {legend}
      </figure>
    );
  }
  const dates = data.map((d) => new Date(`${d.day}T12:00:00Z`));
  const x = scaleTime()
    .domain([dates[0]!, dates[dates.length - 1]!])
    .range([margin.left, width - margin.right]);
  const points = data.map((d, i) => ({ date: dates[i]!, ...d }));
  const participantsArea =
    area<(typeof points)[number]>()
      .x((p) => x(p.date))
      .y0(y(0))
      .y1((p) => y(p.participants))(points) ?? '';
  const sharedLine =
    line<(typeof points)[number]>()
      .x((p) => x(p.date))
      .y((p) => y(p.shared))(points) ?? '';
  return (
    <figure className="chart">
      <svg role="img" aria-label={label} viewBox={`0 0 ${width} ${height}`} width="100%">
        {grid}
        {activityTickDays(data.map((d) => d.day)).map((day) => (
          <text key={day} x={x(new Date(`${day}T12:00:00Z`))} y={height - 10} textAnchor="middle" fontSize="11" fill="#444" data-testid="activity-day">
            {dayLabel(day)}
          </text>
        ))}
        <path d={participantsArea} fill="#3d68ff" fillOpacity={0.25} stroke="#3d68ff" />
        <path d={sharedLine} fill="none" stroke="#0a7d32" strokeWidth={2} strokeDasharray="5 3" />
        {/* Points, so that a short series (two or three days) is seen as well as a long one. */}
        {points.map((p) => (
          <g key={p.day}>
            <circle cx={x(p.date)} cy={y(p.participants)} r={3.5} fill="#3d68ff" />
            <circle cx={x(p.date)} cy={y(p.shared)} r={3.5} fill="#fff" stroke="#0a7d32" strokeWidth={2} />
          </g>
        ))}
      </svg>
      {legend}
    </figure>
  );
}
