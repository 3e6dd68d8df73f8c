/**
 * Server time of saving a challenge version, as the editor's save action does it: parse and check the
 * posted body (checkPostedBody), read the challenge (getChallenge), then saveChallenge (row lock,
 * version N+1, draft cleared) — on a fresh database created with scripts/testdb.ts and filled with the
 * starter content pack. Prints p50/p95/p99 of the whole action work and of saveChallenge alone.
 * Target: p95 < 150 ms.
 *
 *   node --import tsx bench/challenge-save.ts [--saves 200]
 */
import { createTestDatabase } from '../scripts/testdb';
import { createPrisma } from '../prisma/client';
import { importContent } from '../content/import';
import { checkPostedBody } from '../app/models/challenge-body.server';
import { createChallenge, getChallenge, saveChallenge } from '../app/models/challenge.server';
import { markdownLiteToDoc, newChallengeBody, type ChallengeBody } from '../engine/challenges';

const arg = process.argv.indexOf('--saves');
const SAVES = arg > 0 ? Number(process.argv[arg + 1]) : 200;
const WARMUP = 20;

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

function body(i: number): ChallengeBody {
  return {
    ...newChallengeBody('QROCM-dep', ['Camille Autrice']),
    instruction: markdownLiteToDoc(
      `Version ${i}. Citez **deux formats de fichier** ouverts pour un document texte, que l’on peut ouvrir avec un logiciel libre.\n\n- un format de traitement de texte\n- un format d’échange\n\n[Aide](https://fr.wikipedia.org/wiki/Format_ouvert)`,
    ),
    answer: {
      type: 'QROCM-dep',
      template: 'Premier format : {{f1}}\nDeuxième format : {{f2}}',
      fields: [
        { name: 'f1', label: 'Premier format' },
        { name: 'f2', label: 'Deuxième format' },
      ],
      accepted: [['odt', 'opendocument'], ['pdf'], ['txt', 'texte brut'], ['html']],
      tolerances: ['T1', 'T2'],
    },
    solutionExplanation: markdownLiteToDoc('ODT, PDF, TXT et HTML sont des formats ouverts.'),
  };
}

async function main() {
  const started = performance.now();
  const test = await createTestDatabase();
  const db = createPrisma(test.url);
  try {
    const imported = await importContent(db);
    const skill = await db.skill.findFirstOrThrow({ where: { status: 'actif' }, orderBy: { name: 'asc' } });
    const user = await db.user.create({ data: { email: 'bench@exemple.fr', passwordHash: 'x', firstName: 'Bench', lastName: 'Marque', roles: ['AUTHOR'] } });
    const { challengeId } = await createChallenge(db, { skillId: skill.id, userId: user.id, body: body(0), message: 'Création' });
    console.log(
      `Base neuve ${test.name} : ${imported.challengesCreated} épreuves importées, préparation ${((performance.now() - started) / 1000).toFixed(1)} s.`,
    );

    const whole: number[] = [];
    const modelOnly: number[] = [];
    let base = 1;
    for (let i = 1; i <= SAVES + WARMUP; i++) {
      const posted = JSON.stringify(body(i));
      const t0 = performance.now();
      const checked = checkPostedBody(posted);
      if (!checked.ok) throw new Error(`corps refusé : ${JSON.stringify(checked.errors)}`);
      const challenge = await getChallenge(db, challengeId);
      if (!challenge) throw new Error('épreuve introuvable');
      const t1 = performance.now();
      const outcome = await saveChallenge(db, { challengeId, userId: user.id, body: checked.body, message: `Enregistrement ${i}`, baseVersionNumber: base });
      const t2 = performance.now();
      if (outcome.kind !== 'saved') throw new Error('conflit inattendu');
      base = outcome.number;
      if (i > WARMUP) {
        whole.push(t2 - t0);
        modelOnly.push(t2 - t1);
      }
    }
    const report = (label: string, xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      const mean = s.reduce((a, b) => a + b, 0) / s.length;
      console.log(
        `${label.padEnd(42)} p50 ${percentile(s, 50).toFixed(1)} ms · p95 ${percentile(s, 95).toFixed(1)} ms · p99 ${percentile(s, 99).toFixed(1)} ms · moyenne ${mean.toFixed(1)} ms · max ${s[s.length - 1]!.toFixed(1)} ms`,
      );
      return percentile(s, 95);
    };
    console.log(`${SAVES} enregistrements mesurés (après ${WARMUP} d’échauffement), versions ${WARMUP + 2} à ${base} :`);
    const p95 = report('action (contrôle du corps + lecture + save)', whole);
    report('saveChallenge seul', modelOnly);
    console.log(p95 < 150 ? `Objectif p95 < 150 ms : atteint (${p95.toFixed(1)} ms).` : `Objectif p95 < 150 ms : NON atteint (${p95.toFixed(1)} ms).`);
  } finally {
    await db.$disconnect();
    await test.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
