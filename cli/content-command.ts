/**
 * Content commands for teams that keep content in git and check it in CI (decision 018):
 *
 *   qti import PACKAGE [--dry-run] [--skill @name --as e-mail --database postgresql://…]
 *   qti export PACK.json… --out FILE.zip
 *   pack check PACK.json… [--lang fr|en]
 *
 * `qti import --dry-run` and the other two need no database. Without `--dry-run`, `qti import` writes the
 * items as proposals of the skill, in the name of the account given by `--as`, in the database given by
 * `--database` (nothing is published; they wait in the review queue).
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { checkContent, checkPacks, type Lang, type PackProblem } from '../content/check';
import { contentDir, loadContentFrom } from '../content/load';
import { importQti, readQtiUpload } from '../content/qti-import';
import { writeQtiPackage } from '../engine/interchange/qti-package';
import { choice, parseArgs, required, UsageError } from './args';

const BUNDLE_FORMAT = 'pix-workbench-content';

async function readBytes(file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(file));
  } catch {
    throw new UsageError(`cannot read ${file}`);
  }
}

/** Pack files (one competence each) or bundles, as the import reads them: { file, json } per pack, and the framework. */
async function readPacks(
  files: string[],
): Promise<{ framework: unknown; packs: { file: string; json: unknown }[]; problems: (PackProblem & { file: string })[] }> {
  let framework: unknown = JSON.parse(await readFile(path.join(contentDir, 'framework.json'), 'utf8'));
  const packs: { file: string; json: unknown }[] = [];
  const problems: (PackProblem & { file: string })[] = [];
  for (const file of files) {
    const text = new TextDecoder().decode(await readBytes(file));
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      problems.push({ file, item: file, path: '(JSON)', reason: (error as Error).message });
      continue;
    }
    if (json !== null && typeof json === 'object' && (json as { format?: unknown }).format === BUNDLE_FORMAT) {
      framework = (json as { framework?: unknown }).framework;
      const list = (json as { packs?: unknown }).packs;
      if (Array.isArray(list)) list.forEach((p, i) => packs.push({ file: `${file} packs[${i}]`, json: p }));
    } else packs.push({ file, json });
  }
  return { framework, packs, problems };
}

export async function packCheck(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, ['lang']);
  const lang: Lang = choice(args, 'lang', ['fr', 'en'] as const, 'fr');
  if (args.positionals.length === 0) throw new UsageError('pack check needs at least one PACK.json');
  const { framework, packs, problems } = await readPacks(args.positionals);
  for (const p of packs) for (const problem of checkPacks([p.json], lang)) problems.push({ ...problem, file: p.file });
  if (problems.length === 0) {
    const whole = checkContent(framework, packs, lang);
    if (whole) problems.push({ ...whole, file: whole.item });
  }
  for (const p of problems) process.stdout.write(`${p.file} › ${p.path} : ${p.reason}\n`);
  const n = problems.length;
  process.stderr.write(
    lang === 'fr'
      ? n === 0
        ? `${packs.length} paquet(s) conforme(s)\n`
        : `${n} problème(s)\n`
      : n === 0
        ? `${packs.length} pack(s) valid\n`
        : `${n} problem(s)\n`,
  );
  return n === 0 ? 0 : 1;
}

export async function qtiExport(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, ['out']);
  const out = required(args, 'out');
  if (args.positionals.length === 0) throw new UsageError('qti export needs at least one PACK.json');
  const { framework, packs, problems } = await readPacks(args.positionals);
  for (const p of packs) for (const problem of checkPacks([p.json])) problems.push({ ...problem, file: p.file });
  const whole = problems.length === 0 ? checkContent(framework, packs) : null;
  if (whole) problems.push({ ...whole, file: whole.item });
  if (problems.length) {
    for (const p of problems) process.stderr.write(`${p.file} › ${p.path} : ${p.reason}\n`);
    return 1;
  }
  const content = loadContentFrom(framework, packs);
  const challenges = content.thematics.flatMap((t) => t.tubes.flatMap((u) => u.skills.flatMap((s) => s.challenges)));
  const zip = writeQtiPackage(
    challenges.map((c) => ({ key: c.key, body: c.body })),
    [],
    path.basename(out, '.zip'),
  );
  await writeFile(out, zip);
  process.stdout.write(`${JSON.stringify({ out, items: challenges.length, bytes: zip.length })}\n`);
  return 0;
}

export async function qtiImport(argv: readonly string[]): Promise<number> {
  const dryRun = argv.includes('--dry-run');
  const args = parseArgs(
    argv.filter((a) => a !== '--dry-run'),
    ['skill', 'as', 'database'],
  );
  if (args.positionals.length !== 1) throw new UsageError('qti import takes one PACKAGE (a .zip QTI package or an .xml item)');
  const file = args.positionals[0]!;
  const bytes = await readBytes(file);
  const upload = [{ name: path.basename(file), bytes }];
  let report: { imported: { identifier: string; type: string; title: string }[]; refused: { identifier: string; reason: string }[] };
  if (dryRun) {
    const read = readQtiUpload(upload, 'cli');
    report = read.ok
      ? {
          imported: read.items.map((i) => ({ identifier: i.identifier, type: i.body.answer.type, title: i.title })),
          refused: read.refused,
        }
      : { imported: [], refused: read.rejected.map((r) => ({ identifier: r.item, reason: r.reason })) };
  } else {
    const skillName = required(args, 'skill');
    const email = required(args, 'as');
    const url = required(args, 'database');
    if (!/^postgres(ql)?:\/\//.test(url)) throw new UsageError('--database must be a postgresql:// address');
    const { createPrisma } = await import('../prisma/client');
    const db = createPrisma(url);
    try {
      const skill = await db.skill.findUnique({ where: { name: skillName }, select: { id: true } });
      if (!skill) throw new UsageError(`no skill named ${skillName}`);
      const user = await db.user.findUnique({ where: { email: email.toLowerCase() }, select: { id: true, firstName: true, lastName: true, roles: true } });
      if (!user || !user.roles.some((r) => r === 'AUTHOR' || r === 'REVIEWER' || r === 'ADMIN'))
        throw new UsageError(`no author, reviewer or administrator account ${email}`);
      const outcome = await importQti(db, { files: upload, skillId: skill.id, userId: user.id, authorName: `${user.firstName} ${user.lastName}` });
      report = outcome.ok
        ? { imported: outcome.created.map((c) => ({ identifier: c.identifier, type: c.type, title: c.title })), refused: outcome.refused }
        : { imported: [], refused: outcome.rejected.map((r) => ({ identifier: r.item, reason: r.reason })) };
    } finally {
      await db.$disconnect();
    }
  }
  process.stdout.write(`${JSON.stringify(report)}\n`);
  return report.imported.length > 0 || report.refused.length === 0 ? 0 : 1;
}
