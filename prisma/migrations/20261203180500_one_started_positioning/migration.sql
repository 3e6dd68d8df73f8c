-- One positioning test under way per learner and competence, guaranteed by the database: the start of a
-- test inserts with ON CONFLICT DO NOTHING against this index instead of taking an advisory lock in a
-- transaction (one statement instead of four, docs/decisions/013). Prisma's schema language cannot
-- express a partial index, so this migration is written by hand (docs/decisions/001).

-- Should a database hold two tests under way on the same competence (not possible through the
-- application), the older ones are closed as aborted first, their answers kept.
UPDATE "Assessment" a SET state = 'ABORTED', "updatedAt" = now()
WHERE a.type = 'POSITIONING' AND a.state = 'STARTED'
  AND EXISTS (
    SELECT 1 FROM "Assessment" b
    WHERE b.type = 'POSITIONING' AND b.state = 'STARTED' AND b."userId" = a."userId" AND b."competenceId" = a."competenceId"
      AND (b."createdAt", b.id) > (a."createdAt", a.id)
  );

CREATE UNIQUE INDEX "Assessment_one_started_positioning" ON "Assessment" ("userId", "competenceId")
  WHERE type = 'POSITIONING' AND state = 'STARTED';
