/** Charts of the dashboards: computed with d3, drawn as SVG by React (same output on server and client). Each has a text alternative. */
import { area, line, scaleBand, scaleLinear, scaleTime } from 'd3';
import { useMessages } from '~/i18n';
import { orgaMessages } from '~/i18n/orga';

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
  const width = 640;
  const height = 220;
  const margin = { top: 10, right: 20, bottom: 30, left: 40 };
  if (data.length === 0) return null;
  const dates = data.map((d) => new Date(`${d.day}T12:00:00Z`));
  const first = dates[0]!;
  const last = dates.length > 1 ? dates[dates.length - 1]! : new Date(first.getTime() + 864e5);
  const x = scaleTime()
    .domain([first, last])
    .range([margin.left, width - margin.right]);
  const max = Math.max(1, ...data.map((d) => d.participants));
  const y = scaleLinear()
    .domain([0, max])
    .nice()
    .range([height - margin.bottom, margin.top]);
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
        {y.ticks(4).map((tick) => (
          <g key={tick}>
            <line x1={margin.left} x2={width - margin.right} y1={y(tick)} y2={y(tick)} stroke="#e3e3e3" />
            <text x={margin.left - 6} y={y(tick) + 4} textAnchor="end" fontSize="11" fill="#444">
              {tick}
            </text>
          </g>
        ))}
        {x.ticks(5).map((tick) => (
          <text key={tick.toISOString()} x={x(tick)} y={height - 10} textAnchor="middle" fontSize="11" fill="#444">
            {tick.toLocaleDateString('fr-FR', { day: '2-digit', month: '2-digit', timeZone: 'UTC' })}
          </text>
        ))}
        <path d={participantsArea} fill="#3d68ff" fillOpacity={0.25} stroke="#3d68ff" />
        <path d={sharedLine} fill="none" stroke="#0a7d32" strokeWidth={2} strokeDasharray="5 3" />
      </svg>
      <figcaption>
        <span className="legend legend-participants">{t('chart.participants')}</span> · <span className="legend legend-shared">{t('chart.shared')}</span>
      </figcaption>
    </figure>
  );
}
