import { describe, expect, it } from 'vitest';
import { splitSqlStatements } from './migrate';

describe('migration scripts are cut at the semicolons that end statements', () => {
  it('keeps a PL/pgSQL body, quoted text and comments whole', () => {
    const script = `-- a comment; with a semicolon
CREATE TABLE "a;b" (x text DEFAULT 'it''s; here');
CREATE FUNCTION f() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'no; never';
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
/* block; comment */ CREATE INDEX i ON "a;b" (x);
-- trailing comment only`;
    const statements = splitSqlStatements(script);
    expect(statements).toHaveLength(3);
    expect(statements[0]).toContain(`CREATE TABLE "a;b" (x text DEFAULT 'it''s; here')`);
    expect(statements[1]).toMatch(/^CREATE FUNCTION f\(\)[\s\S]*RETURN NULL;\nEND;\n\$\$ LANGUAGE plpgsql$/);
    expect(statements[2]).toContain('CREATE INDEX i ON "a;b" (x)');
  });

  it('honours tagged dollar quotes', () => {
    expect(splitSqlStatements('SELECT $body$ a; b $body$; SELECT 1;')).toEqual(['SELECT $body$ a; b $body$', 'SELECT 1']);
  });
});
