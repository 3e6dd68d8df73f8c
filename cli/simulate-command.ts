/**
 * `simulate --items N --persons M [--per-person K] [--design random|adaptive] [--model 2pl|rasch]
 *  --seed S --data OUT.csv --truth TRUTH.json`
 */
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { createRandom } from '../engine/random';
import { simulateCalibrationData, type SimulationDesign } from '../engine/simulation';
import { choice, integer, parseArgs, required, UsageError } from './args';

const OPTIONS = ['items', 'persons', 'per-person', 'design', 'model', 'seed', 'data', 'truth'] as const;

export async function simulateCommand(argv: readonly string[]): Promise<string> {
  const args = parseArgs(argv, OPTIONS);
  if (args.positionals.length > 0) throw new UsageError(`simulate takes no positional argument (got ${args.positionals[0]})`);
  const items = integer(args, 'items', 1);
  const persons = integer(args, 'persons', 1);
  const perPerson = args.options.has('per-person') ? integer(args, 'per-person', 1) : undefined;
  if (perPerson !== undefined && perPerson > items) throw new UsageError(`--per-person (${perPerson}) cannot exceed --items (${items})`);
  const designKind = choice(args, 'design', ['random', 'adaptive'] as const, 'random');
  const model = choice(args, 'model', ['2pl', 'rasch'] as const, '2pl');
  const seedText = required(args, 'seed');
  const seed = /^-?\d+$/.test(seedText) ? Number(seedText) : seedText;
  const dataPath = required(args, 'data');
  const truthPath = required(args, 'truth');

  const design: SimulationDesign = perPerson === undefined || perPerson === items ? { kind: 'complete' } : { kind: designKind, perPerson };
  const sim = simulateCalibrationData(createRandom(seed), { items, persons, model, design });
  const width = String(persons).length;
  const personId = (p: number) => `p${String(p + 1).padStart(width, '0')}`;

  // Wide CSV: person column, then one column per item; empty cell = not answered.
  const out = createWriteStream(dataPath);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write(`person,${sim.data.itemIds.join(',')}\n`);
  const cells = new Array<string>(items);
  let chunk = '';
  for (let p = 0; p < persons; p++) {
    cells.fill('');
    for (let j = sim.data.rowStart[p] as number; j < (sim.data.rowStart[p + 1] as number); j++) {
      cells[sim.data.items[j] as number] = sim.data.scores[j] === 1 ? '1' : '0';
    }
    chunk += `${personId(p)},${cells.join(',')}\n`;
    if (chunk.length > 1 << 20) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(chunk);
  out.end();
  await once(out, 'finish');

  const truth = {
    model,
    seed,
    design,
    items: sim.items.map((item) => ({ item: item.id, a: item.a, d: item.d, b: item.b })),
    persons: Array.from(sim.thetas, (theta, p) => ({ person: personId(p), theta })),
  };
  await writeFile(truthPath, JSON.stringify(truth));
  return `wrote ${persons} persons × ${items} items (${sim.data.items.length} answers) to ${dataPath}, truth to ${truthPath}`;
}
