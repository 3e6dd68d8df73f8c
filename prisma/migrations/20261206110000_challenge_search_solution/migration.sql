-- Full-text search also reads the solution of a challenge: its explanation and the accepted answers
-- (QROC, QROCM-ind fields, QROCM-dep). Written by hand like 20261123065700_challenge_search_french: the
-- function is the indexed expression, so the index is rebuilt with it. Folding (search_fold) is unchanged
-- and is applied to the query, to keys, skill names and tutorial titles alike (app/models/challenge-search.server.ts).
CREATE OR REPLACE FUNCTION challenge_search_text(body jsonb) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT SET search_path FROM CURRENT AS $$
  SELECT search_fold(concat_ws(' ',
    (SELECT string_agg(v #>> '{}', ' ') FROM jsonb_path_query(body, 'lax $.instruction.**.text ? (@.type() == "string")') AS v),
    (SELECT string_agg(v #>> '{}', ' ') FROM jsonb_path_query(body, 'lax $.alternativeInstruction.**.text ? (@.type() == "string")') AS v),
    (SELECT string_agg(v #>> '{}', ' ') FROM jsonb_path_query(body, 'lax $.answer.proposals[*] ? (@.type() == "string")') AS v),
    (SELECT string_agg(v #>> '{}', ' ') FROM jsonb_path_query(body, 'lax $.solutionExplanation.**.text ? (@.type() == "string")') AS v),
    (SELECT string_agg(v #>> '{}', ' ') FROM jsonb_path_query(body, 'lax $.answer.accepted.** ? (@.type() == "string")') AS v),
    (SELECT string_agg(v #>> '{}', ' ') FROM jsonb_path_query(body, 'lax $.answer.fields[*].accepted.** ? (@.type() == "string")') AS v)
  ))
$$;

REINDEX INDEX "ChallengeVersion_search_fr_idx";
