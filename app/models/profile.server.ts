import { certifiability, profile, type KnowledgeElement, type Skill } from '../../engine/framework';
import { db } from '~/lib/db.server';
import { maxReachableLevel } from '~/lib/settings.server';

/** A learner's profile: the 16 competences with level and pix from their knowledge elements. */
export async function learnerProfile(userId: string) {
  const [competences, skills, kes] = await Promise.all([
    db().competence.findMany({ orderBy: { code: 'asc' }, include: { area: true } }),
    db().skill.findMany({ include: { tube: { include: { competence: { select: { code: true } } } } } }),
    db().knowledgeElement.findMany({ where: { userId }, orderBy: { createdAt: 'asc' } }),
  ]);
  const engineSkills: Skill[] = skills.map((s) => ({
    id: s.id,
    tubeId: s.tubeId,
    competenceCode: s.tube.competence.code,
    level: s.level,
    status: s.status,
  }));
  const engineKes: KnowledgeElement[] = kes.map((k, i) => ({ skillId: k.skillId, status: k.status, source: k.source, createdAt: i }));
  const maxLevel = maxReachableLevel();
  const result = profile(engineKes, engineSkills, maxLevel, competences.map((c) => c.code));
  const levels = result.competences.map((c) => ({ competenceCode: c.competenceCode, level: c.level }));
  return {
    maxLevel,
    totalPix: result.totalPix,
    maxPix: result.maxPix,
    certifiability: certifiability(levels, competences.map((c) => c.code)),
    competences: competences.map((c) => {
      const score = result.competences.find((s) => s.competenceCode === c.code)!;
      return {
        code: c.code,
        titleFr: c.titleFr,
        titleEn: c.titleEn,
        area: { code: c.area.code, titleFr: c.area.titleFr, titleEn: c.area.titleEn },
        level: score.level,
        pix: score.pix,
        pixToNextLevel: score.pixToNextLevel,
        progress: score.progress,
      };
    }),
  };
}
