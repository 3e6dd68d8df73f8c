/**
 * Seeded 3PL data for the tests and the benchmark: P = c + (1 − c)·logistic(a(θ − b)), a ~ logN(0, 0.3),
 * b ~ N(0, 1), c ~ U(cMin, cMax), θ ~ N(0, 1), every person answering every item.
 */
import { ResponseDataBuilder, type ResponseData } from './data';
import { logNormal, normal, type RandomGenerator } from '../random';

export interface Simulated3plItem {
  readonly id: string;
  readonly a: number;
  readonly b: number;
  readonly d: number;
  readonly c: number;
}

export function simulate3pl(
  rng: RandomGenerator,
  options: { readonly items: number; readonly persons: number; readonly cMin?: number; readonly cMax?: number },
): { items: Simulated3plItem[]; thetas: Float64Array; data: ResponseData } {
  const cMin = options.cMin ?? 0.2;
  const cMax = options.cMax ?? 0.25;
  const width = String(options.items).length;
  const items: Simulated3plItem[] = [];
  for (let i = 0; i < options.items; i++) {
    const a = logNormal(rng, 0, 0.3);
    const b = normal(rng, 0, 1);
    const c = cMin + (cMax - cMin) * rng.next();
    items.push({ id: `q${String(i + 1).padStart(width, '0')}`, a, b, d: -a * b, c });
  }
  const thetas = new Float64Array(options.persons);
  const builder = new ResponseDataBuilder(items.map((item) => item.id));
  for (let p = 0; p < options.persons; p++) {
    const theta = normal(rng, 0, 1);
    thetas[p] = theta;
    builder.beginRow();
    items.forEach((item, i) => {
      const prob = item.c + (1 - item.c) / (1 + Math.exp(-(item.a * theta + item.d)));
      builder.addAnswer(i, rng.next() < prob ? 1 : 0);
    });
  }
  return { items, thetas, data: builder.build() };
}
