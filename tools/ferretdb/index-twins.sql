-- Index twins: makes FerretDB v1.24's PostgreSQL backend answer equality filters from an index.
--
-- Why: FerretDB pushes an equality filter down as `_jsonb -> 'field' @> '"value"'`, but the
-- indexes it creates for createIndexes (and for _id) are btree indexes on `(_jsonb -> 'field')`,
-- which `@>` cannot use (FerretDB issue #4646, "Indexes created on postgres are not used by
-- queries"). So every find, findOne, update and delete, `_id` lookups included, is a sequential
-- scan, and the store slows down in proportion to the data it holds (docs/store-access-paths.md
-- has the measurements). MongoDB, which production runs, answers the same queries from the same
-- declared indexes.
--
-- What: whenever FerretDB creates a btree index on `_jsonb` expressions, this event trigger
-- creates a GIN twin on the same expressions (jsonb_path_ops, which serves `@>`), so the indexes
-- the product declares serve its queries here as they do on MongoDB. Nothing else changes:
-- FerretDB does not know the twins (listIndexes does not show them), dropping the collection or
-- the index FerretDB knows drops its table's twins with the table, and unique indexes stay
-- FerretDB's own btree ones. fastupdate is off so a lookup never scans a GIN pending list (which
-- grows with every insert until a vacuum). plan_cache_mode: FerretDB passes the field name as a
-- parameter, which a generic plan cannot match to an index expression; custom plans see it.
--
-- Run once per PostgreSQL database by ferretdb-embedded (main.go) before FerretDB starts;
-- idempotent.

-- Creates the GIN twin of one index, when it is one of FerretDB's btree indexes on _jsonb keys.
CREATE OR REPLACE FUNCTION threadbridge_twin_of(index_oid oid) RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
  idx record;
  cols text;
BEGIN
  SELECT i.indnatts, c.relname, n.nspname, am.amname, t.relname AS tablename
    INTO idx
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_am am ON am.oid = c.relam
    JOIN pg_class t ON t.oid = i.indrelid
    WHERE i.indexrelid = index_oid;
  -- The twins themselves are GIN: this also stops the trigger from recursing.
  IF idx.amname IS DISTINCT FROM 'btree' THEN RETURN; END IF;
  SELECT string_agg(format('(%s) jsonb_path_ops', pg_get_indexdef(index_oid, k, true)), ', ' ORDER BY k)
    INTO cols
    FROM generate_series(1, idx.indnatts) AS k;
  -- Only FerretDB's document indexes: every key an expression on its _jsonb column.
  IF cols IS NULL OR cols !~ '^(\(\(_jsonb -> ''[^'']*''::text\)\) jsonb_path_ops(, |$))+$' THEN RETURN; END IF;
  EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I.%I USING gin (%s) WITH (fastupdate = off)',
    left(idx.relname, 57) || '_twin', idx.nspname, idx.tablename, cols);
END
$fn$;

CREATE OR REPLACE FUNCTION threadbridge_index_twin() RETURNS event_trigger LANGUAGE plpgsql AS $fn$
DECLARE
  cmd record;
BEGIN
  FOR cmd IN SELECT * FROM pg_event_trigger_ddl_commands() WHERE command_tag = 'CREATE INDEX' AND object_type = 'index' LOOP
    PERFORM threadbridge_twin_of(cmd.objid);
  END LOOP;
END
$fn$;

DROP EVENT TRIGGER IF EXISTS threadbridge_index_twin;
CREATE EVENT TRIGGER threadbridge_index_twin ON ddl_command_end WHEN TAG IN ('CREATE INDEX')
  EXECUTE FUNCTION threadbridge_index_twin();

-- Collections FerretDB created before this ran (a kept sandbox database) get their twins now.
SELECT threadbridge_twin_of(indexrelid) FROM pg_index i JOIN pg_am am ON am.oid = (SELECT relam FROM pg_class WHERE oid = i.indexrelid)
  WHERE am.amname = 'btree';

DO $do$ BEGIN
  EXECUTE format('ALTER DATABASE %I SET plan_cache_mode = force_custom_plan', current_database());
END $do$;
