import { describe, expect, it } from 'vitest';
import { axisTicks, diagonalBand, diagonalSegment, frame, jitter, linearScale, placeLabels, symbolPath } from './scales';
import { formatCount, formatDateTime, formatDuration, formatNumber, formatPercent, formatSigned, formatWithSe } from './format';

describe('frames and scales', () => {
  it('leaves the margins around the plotting area', () => {
    expect(frame(600, 300, { left: 50, right: 10, top: 10, bottom: 40 })).toMatchObject({ innerWidth: 540, innerHeight: 250 });
  });

  it('maps θ to pixels and labels round ticks with a decimal comma and a true minus', () => {
    const x = linearScale([-4, 4], [0, 400]);
    expect(x(0)).toBe(200);
    const ticks = axisTicks(x, 8);
    expect(ticks.map((t) => t.label)).toEqual(['−4', '−3', '−2', '−1', '0', '1', '2', '3', '4']);
    expect(ticks[0]?.position).toBe(0);
    const p = axisTicks(linearScale([0, 1], [300, 0]), 5);
    expect(p.map((t) => t.label)).toEqual(['0,0', '0,2', '0,4', '0,6', '0,8', '1,0']);
    expect(p[5]?.position).toBe(0);
  });

  it('widens an empty domain instead of dividing by zero', () => {
    const s = linearScale([2, 2], [0, 100]);
    expect(s(2)).toBe(50);
  });

  it('clips the identity line and its bands to the plot', () => {
    expect(diagonalSegment([-3, 3], [-2, 4])).toEqual({ x1: -2, y1: -2, x2: 3, y2: 3 });
    expect(diagonalSegment([-3, 3], [-2, 4], 0.5)).toEqual({ x1: -2.5, y1: -2, x2: 3, y2: 3.5 });
    expect(diagonalSegment([0, 1], [5, 6])).toBeNull();
    expect(diagonalBand([-1, 1], 0.3)).toEqual([
      [-1, -1.3],
      [1, 0.7],
      [1, 1.3],
      [-1, -0.7],
    ]);
  });

  it('draws marker shapes and jitters deterministically', () => {
    expect(symbolPath('circle')).toMatch(/^M/);
    expect(symbolPath('triangle')).not.toBe(symbolPath('diamond'));
    expect(jitter('abc')).toBe(jitter('abc'));
    expect(Math.abs(jitter('x'))).toBeLessThanOrEqual(1);
  });
});

describe('point labels', () => {
  it('puts labels right of their point when there is room, else elsewhere, and never on top of each other', () => {
    const placed = placeLabels(
      [
        { id: 'a', x: 100, y: 100, text: 'premier' },
        { id: 'b', x: 102, y: 104, text: 'deuxième' },
        { id: 'c', x: 395, y: 50, text: 'au bord' },
      ],
      400,
      300,
    );
    expect(placed[0]).toMatchObject({ id: 'a', x: 108, anchor: 'start' });
    expect(placed[1]).toMatchObject({ id: 'b', anchor: 'end' });
    expect(placed[2]).toMatchObject({ id: 'c', anchor: 'end' });
  });

  it('leaves out a label that has no free spot', () => {
    const crowd = Array.from({ length: 12 }, (_, i) => ({ id: String(i), x: 200, y: 150, text: 'épreuve-très-longue' }));
    const placed = placeLabels(crowd, 400, 300);
    expect(placed.length).toBeLessThan(12);
    // Spots next to each other need a 2 px margin (the text's halo): the right and left ones are kept.
    expect(placed.length).toBeGreaterThanOrEqual(2);
  });
});

describe('point labels moved away from a crowd', () => {
  function overlaps(a: { x0: number; x1: number; y0: number; y1: number }, b: { x0: number; x1: number; y0: number; y1: number }) {
    return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
  }

  it('moves labels off a crowded diagonal with leader lines, clear of markers and of each other', () => {
    // Points along a diagonal, every 6 px, as a drift chart's stable items; five flagged ones among them.
    const crowd = Array.from({ length: 60 }, (_, i) => ({ x: 40 + i * 6, y: 400 - 40 - i * 6, r: 4.5 }));
    const flagged = [10, 12, 14, 30, 31].map((i, k) => ({
      id: `e${k}`,
      x: crowd[i]!.x + 4,
      y: crowd[i]!.y + 4,
      text: `epreuve-${k}-d1`,
      away: [Math.SQRT1_2, Math.SQRT1_2] as const,
    }));
    const placed = placeLabels(flagged, 400, 400, { obstacles: crowd });
    expect(placed).toHaveLength(5);
    const boxes = placed.map((l) => {
      const w = l.text.length * 7.2;
      return { x0: l.anchor === 'start' ? l.x : l.x - w, x1: l.anchor === 'start' ? l.x + w : l.x, y0: l.y - 10, y1: l.y + 3 };
    });
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) expect(overlaps(boxes[i]!, boxes[j]!)).toBe(false);
    for (const box of boxes) for (const o of crowd) expect(o.x > box.x0 - 4 && o.x < box.x1 + 4 && o.y > box.y0 - 4 && o.y < box.y1 + 4).toBe(false);
    // Those with no room next to their point are moved below-right of the diagonal, with a line back to it.
    const moved = placed.filter((l) => l.leader);
    expect(moved.length).toBeGreaterThan(0);
    for (const l of moved) {
      const point = flagged.find((p) => p.id === l.id)!;
      expect(Math.hypot(l.leader!.x1 - point.x, l.leader!.y1 - point.y)).toBeCloseTo(5, 5);
      expect(l.y).toBeGreaterThan(point.y);
    }
  });

  it('keeps a label next to its point when there is room (no leader line)', () => {
    const [l] = placeLabels([{ id: 'a', x: 100, y: 100, text: 'seule', away: [1, 0] }], 400, 300, { obstacles: [{ x: 100, y: 100, r: 5 }] });
    expect(l).toMatchObject({ x: 108, anchor: 'start' });
    expect(l!.leader).toBeUndefined();
  });
});

describe('French number formats', () => {
  it('writes numbers as French readers do', () => {
    expect(formatNumber(-0.4249)).toBe('−0,42');
    expect(formatNumber(-0.001)).toBe('0,00');
    expect(formatNumber(12345.6, 1)).toBe('12\u202f345,6');
    expect(formatNumber(1234, 0)).toBe('1234');
    expect(formatNumber(null)).toBe('—');
    expect(formatNumber(NaN)).toBe('—');
    expect(formatNumber(-1.5, 1, 'en')).toBe('-1.5');
    expect(formatSigned(0.314)).toBe('+0,31');
    expect(formatSigned(-0.12)).toBe('−0,12');
    expect(formatCount(102345)).toBe('102\u202f345');
    expect(formatPercent(0.473)).toBe('47\u00a0%');
    expect(formatWithSe(0.8412, 0.071)).toBe('0,84 (0,07)');
    expect(formatWithSe(1, null)).toBe('1,00');
    expect(formatDuration(4.26)).toBe('4,3\u00a0s');
    expect(formatDuration(185)).toBe('3\u00a0min 05\u00a0s');
  });

  it('writes dates in Paris time with the same words on the server and in the browser', () => {
    expect(formatDateTime('2026-11-23T13:05:00Z')).toBe('23 nov. 2026, 14:05');
    expect(formatDateTime('2026-07-01T22:30:00Z', 'en')).toBe('2 Jul 2026, 00:30');
    expect(formatDateTime(null)).toBe('—');
  });
});
