-- Full-text search over challenge versions (instruction, alternative instruction, proposals) with
-- PostgreSQL's French configuration. Prisma's schema language cannot express an expression index, so
-- this migration is written by hand (docs/decisions/001), and the query in app/models/challenge-search.server.ts
-- uses exactly the indexed expression.

-- Lower case and French accents folded (the unaccent extension is not always installed): applied to the
-- indexed text and to the query alike, so « bibliotheque » finds « Bibliothèque ».
CREATE OR REPLACE FUNCTION search_fold(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
  SELECT translate(lower(t), 'àâäáãåçéèêëíìîïñóòôöõúùûüýÿ', 'aaaaaaceeeeiiiinooooouuuuyy')
$$;

-- PostgreSQL 17 and later run index builds with a restricted search_path (pg_catalog, pg_temp), so a
-- function used by an index must carry the search_path it was created with to find search_fold.

-- The searchable text of a version body (ChallengeBody JSON). Duplicated fragments (lax mode visits a
-- text node through its array too) do not change what matches.
CREATE OR REPLACE FUNCTION challenge_search_text(body jsonb) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT SET search_path FROM CURRENT AS $$
  SELECT search_fold(concat_ws(' ',
    (SELECT string_agg(v #>> '{}', ' ') FROM jsonb_path_query(body, 'lax $.instruction.**.text ? (@.type() == "string")') AS v),
    (SELECT string_agg(v #>> '{}', ' ') FROM jsonb_path_query(body, 'lax $.alternativeInstruction.**.text ? (@.type() == "string")') AS v),
    (SELECT string_agg(v #>> '{}', ' ') FROM jsonb_path_query(body, 'lax $.answer.proposals[*] ? (@.type() == "string")') AS v)
  ))
$$;

CREATE INDEX "ChallengeVersion_search_fr_idx" ON "ChallengeVersion"
  USING gin (to_tsvector('french'::regconfig, challenge_search_text("body")));
