import { db } from '~/lib/db.server';

/** Areas → competences with their counts of tubes and skills, in framework order. */
export async function frameworkOverview() {
  const areas = await db().area.findMany({
    orderBy: { code: 'asc' },
    include: {
      competences: {
        orderBy: { code: 'asc' },
        include: { tubes: { select: { id: true, _count: { select: { skills: true } } } } },
      },
    },
  });
  return areas.map((area) => ({
    code: area.code,
    titleFr: area.titleFr,
    titleEn: area.titleEn,
    competences: area.competences.map((c) => ({
      code: c.code,
      titleFr: c.titleFr,
      titleEn: c.titleEn,
      tubeCount: c.tubes.length,
      skillCount: c.tubes.reduce((n, t) => n + t._count.skills, 0),
    })),
  }));
}

/** One competence: its thematics and tubes, each tube's skills by level with their live challenge counts. */
export async function competenceDetail(code: string) {
  const competence = await db().competence.findUnique({
    where: { code },
    include: {
      area: true,
      thematics: {
        orderBy: { position: 'asc' },
        include: {
          tubes: {
            orderBy: { position: 'asc' },
            include: {
              skills: {
                orderBy: { level: 'asc' },
                include: { challenges: { select: { status: true } } },
              },
            },
          },
        },
      },
    },
  });
  if (!competence) return null;
  return {
    code: competence.code,
    titleFr: competence.titleFr,
    titleEn: competence.titleEn,
    area: { code: competence.area.code, titleFr: competence.area.titleFr, titleEn: competence.area.titleEn },
    thematics: competence.thematics.map((th) => ({
      name: th.name,
      tubes: th.tubes.map((tube) => ({
        name: tube.name,
        title: tube.title,
        description: tube.description,
        skills: tube.skills.map((s) => ({
          name: s.name,
          level: s.level,
          status: s.status,
          liveChallenges: s.challenges.filter((c) => c.status === 'valide').length,
          totalChallenges: s.challenges.length,
        })),
      })),
    })),
  };
}
