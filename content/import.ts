/**
 * Imports the framework and the content pack into the database, in one transaction: all or nothing.
 * Everything is matched by its stable key, so importing the same files twice changes nothing.
 *
 * Two modes. The seed (no options) writes the starter content and publishes the first release of an empty
 * bank; later it never publishes, and a changed challenge that is live gets the pack's version as a proposal.
 * An import by a person (`proposalsBy`) never publishes: every new or changed challenge becomes a proposal
 * submitted for review, its version and status changes attributed to that person; a live challenge keeps its
 * live version until someone validates the proposal (docs/decisions/020-content-lifecycle.md).
 */
import { isDeepStrictEqual } from 'node:util';
import type { PrismaClient } from '../prisma/client';
import { createRelease } from '../app/models/release.server';
import { loadContent, type LoadedChallenge, type LoadedContent } from './load';

export interface ImportReport {
  competences: number;
  tubes: number;
  skills: number;
  challengesCreated: number;
  challengesUpdated: number;
  /** Challenges the pack would change but that authors have edited in the workbench: their work wins. */
  challengesKeptAsEdited: number;
  tutorials: number;
  release: number | null;
}

const typeToDb = { QCU: 'QCU', QCM: 'QCM', QROC: 'QROC', 'QROCM-ind': 'QROCM_ind', 'QROCM-dep': 'QROCM_dep' } as const;

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

export interface ImportOptions {
  /** Import as proposals by this person (never publishes). */
  proposalsBy?: { userId: string; message: string };
  /** Runs first, in the same transaction (files the content refers to). */
  before?: (tx: Tx) => Promise<void>;
}

/**
 * A new version of a live challenge, by import: current, in proposal (submitted for review when a person
 * imported it); the live version stays what learners are served.
 */
async function proposeOnLive(tx: Tx, challengeId: string, versionId: string, number: number, by: ImportOptions['proposalsBy']) {
  await tx.challenge.update({ where: { id: challengeId }, data: { currentVersionId: versionId, proposalStatus: by ? 'submitted' : 'propose' } });
  if (by) {
    await tx.challengeStatusChange.create({
      data: { challengeId, fromStatus: 'propose', toStatus: 'submitted', message: `Version ${number} : ${by.message}`, userId: by.userId },
    });
  }
}

/** A challenge the import proposes goes to the review queue: proposed, then submitted, by the importer. */
async function submitForReview(tx: Tx, challengeId: string, from: LoadedChallenge['status'] | null, by: NonNullable<ImportOptions['proposalsBy']>) {
  const steps: [LoadedChallenge['status'] | null, LoadedChallenge['status']][] = [];
  if (from !== 'propose' && from !== 'submitted') steps.push([from, 'propose']);
  if (from !== 'submitted') steps.push(['propose', 'submitted']);
  for (const [fromStatus, toStatus] of steps)
    await tx.challengeStatusChange.create({ data: { challengeId, fromStatus, toStatus, message: by.message, userId: by.userId } });
  await tx.challenge.update({ where: { id: challengeId }, data: { status: 'submitted' } });
}

export async function importContent(db: PrismaClient, content: LoadedContent = loadContent(), options: ImportOptions = {}): Promise<ImportReport> {
  const by = options.proposalsBy;
  return db.$transaction(
    async (tx) => {
      if (options.before) await options.before(tx);
      const report: ImportReport = {
        competences: 0,
        tubes: 0,
        skills: 0,
        challengesCreated: 0,
        challengesUpdated: 0,
        challengesKeptAsEdited: 0,
        tutorials: 0,
        release: null,
      };
      const competenceIds = new Map<string, string>();
      for (const area of content.framework.areas) {
        const a = await tx.area.upsert({
          where: { code: area.code },
          create: { code: area.code, titleFr: area.title.fr, titleEn: area.title.en },
          update: { titleFr: area.title.fr, titleEn: area.title.en },
        });
        for (const competence of area.competences) {
          const c = await tx.competence.upsert({
            where: { code: competence.code },
            create: { code: competence.code, areaId: a.id, titleFr: competence.title.fr, titleEn: competence.title.en },
            update: { areaId: a.id, titleFr: competence.title.fr, titleEn: competence.title.en },
          });
          competenceIds.set(competence.code, c.id);
          report.competences++;
        }
      }

      const tutorialIds = new Map<string, string>();
      for (const t of content.tutorials) {
        const data = { title: t.title, url: t.url, source: t.source, format: t.format, duration: t.duration, locale: t.locale, licence: t.licence ?? null };
        const existing = await tx.tutorial.findUnique({ where: { key: t.key } });
        const row = existing
          ? isDeepStrictEqual(pick(existing, data), data)
            ? existing
            : await tx.tutorial.update({ where: { key: t.key }, data })
          : await tx.tutorial.create({ data: { key: t.key, ...data } });
        tutorialIds.set(t.key, row.id);
        report.tutorials++;
      }

      const challengeIds = new Map<string, string>();
      const prototypeLinks: { key: string; prototypeKey: string }[] = [];
      for (const thematic of content.thematics) {
        const competenceId = competenceIds.get(thematic.competenceCode)!;
        const th = await tx.thematic.upsert({
          where: { key: thematic.key },
          create: { key: thematic.key, name: thematic.name, position: thematic.position, competenceId },
          update: { name: thematic.name, position: thematic.position, competenceId },
        });
        for (const tube of thematic.tubes) {
          const tu = await tx.tube.upsert({
            where: { name: tube.name },
            create: { name: tube.name, title: tube.title, description: tube.description, position: tube.position, thematicId: th.id, competenceId },
            update: { title: tube.title, description: tube.description, position: tube.position, thematicId: th.id, competenceId },
          });
          report.tubes++;
          for (const skill of tube.skills) {
            const sk = await tx.skill.upsert({
              where: { name: skill.name },
              create: { name: skill.name, level: skill.level, status: skill.status, hint: skill.hint, tubeId: tu.id },
              // An import by a person does not change whether an existing skill is live.
              update: { level: skill.level, ...(by ? {} : { status: skill.status }), hint: skill.hint, tubeId: tu.id },
            });
            report.skills++;
            const links = [
              ...skill.understand.map((key, position) => ({ key, position, kind: 'UNDERSTAND' as const })),
              ...skill.learnMore.map((key, position) => ({ key, position, kind: 'LEARN_MORE' as const })),
            ];
            for (const link of links) {
              const tutorialId = tutorialIds.get(link.key)!;
              await tx.skillTutorial.upsert({
                where: { skillId_tutorialId_kind: { skillId: sk.id, tutorialId, kind: link.kind } },
                create: { skillId: sk.id, tutorialId, kind: link.kind, position: link.position },
                update: { position: link.position },
              });
            }
            for (const challenge of skill.challenges) {
              const existing = await tx.challenge.findUnique({ where: { key: challenge.key }, include: { currentVersion: true } });
              if (!existing) {
                const created = await tx.challenge.create({
                  data: {
                    key: challenge.key,
                    skillId: sk.id,
                    type: typeToDb[challenge.type],
                    status: by ? 'propose' : challenge.status,
                    isPrototype: challenge.isPrototype,
                  },
                });
                const version = await tx.challengeVersion.create({
                  data: {
                    challengeId: created.id,
                    number: 1,
                    body: challenge.body as object,
                    message: by?.message ?? 'Import du pack de contenu',
                    authorId: by?.userId ?? null,
                  },
                });
                await tx.challenge.update({
                  where: { id: created.id },
                  data: { currentVersionId: version.id, ...(!by && challenge.status === 'valide' ? { liveVersionId: version.id } : {}) },
                });
                await tx.challengeStatusChange.create({
                  data: {
                    challengeId: created.id,
                    fromStatus: null,
                    toStatus: by ? 'propose' : challenge.status,
                    message: by?.message ?? 'Import du pack de contenu',
                    userId: by?.userId ?? null,
                  },
                });
                if (by) await submitForReview(tx, created.id, 'propose', by);
                challengeIds.set(challenge.key, created.id);
                report.challengesCreated++;
              } else {
                challengeIds.set(challenge.key, existing.id);
                const editedInWorkbench = existing.currentVersion?.authorId != null;
                if (by && !isDeepStrictEqual(existing.currentVersion?.body, challenge.body)) {
                  if (existing.status === 'archive' || existing.status === 'perime') {
                    report.challengesKeptAsEdited++;
                  } else {
                    // A change by import is a new version proposed for review, whatever the challenge's status.
                    const version = await tx.challengeVersion.create({
                      data: {
                        challengeId: existing.id,
                        number: (existing.currentVersion?.number ?? 0) + 1,
                        body: challenge.body as object,
                        message: by.message,
                        authorId: by.userId,
                      },
                    });
                    if (existing.status === 'valide') await proposeOnLive(tx, existing.id, version.id, version.number, by);
                    else {
                      await tx.challenge.update({ where: { id: existing.id }, data: { currentVersionId: version.id } });
                      await submitForReview(tx, existing.id, existing.status, by);
                    }
                    report.challengesUpdated++;
                  }
                } else if (by) {
                  // unchanged
                } else if (editedInWorkbench && !isDeepStrictEqual(existing.currentVersion!.body, challenge.body)) {
                  report.challengesKeptAsEdited++;
                } else if (!existing.currentVersion || !isDeepStrictEqual(existing.currentVersion.body, challenge.body)) {
                  const number = (existing.currentVersion?.number ?? 0) + 1;
                  const version = await tx.challengeVersion.create({
                    data: { challengeId: existing.id, number, body: challenge.body as object, message: 'Mise à jour depuis le pack de contenu' },
                  });
                  // A live challenge is not changed behind the reviewers' back: the pack's version waits as a proposal.
                  if (existing.status === 'valide') await proposeOnLive(tx, existing.id, version.id, number, undefined);
                  else await tx.challenge.update({ where: { id: existing.id }, data: { currentVersionId: version.id } });
                  report.challengesUpdated++;
                }
              }
              if (challenge.prototypeKey) prototypeLinks.push({ key: challenge.key, prototypeKey: challenge.prototypeKey });
            }
          }
        }
      }
      for (const link of prototypeLinks) {
        const id = challengeIds.get(link.key)!;
        const prototypeId = challengeIds.get(link.prototypeKey)!;
        // `NOT prototypeId = x` is not true for a NULL prototypeId in SQL: say both cases.
        await tx.challenge.updateMany({ where: { id, OR: [{ prototypeId: null }, { NOT: { prototypeId } }] }, data: { prototypeId } });
      }
      const anyRelease = await tx.release.count();
      // Only the seed of an empty bank publishes: afterwards, people validate and publish.
      if (!by && anyRelease === 0) {
        const release = await createRelease(tx, 'Import du pack de contenu', null);
        report.release = release.number;
      }
      return report;
    },
    { timeout: 120_000, maxWait: 10_000 },
  );
}

function pick<T extends object>(row: Record<string, unknown>, shape: T): T {
  return Object.fromEntries(Object.keys(shape).map((k) => [k, row[k]])) as T;
}
