-- The relay's wake-up names the ids an insert took (its first and last), so the relay reads exactly those rows instead
-- of scanning the outbox from its oldest id, past the index entries of every row it deleted since the last vacuum.
-- An empty payload (an insert of no rows) makes the relay scan from the oldest row, as it does on any doubt.
CREATE OR REPLACE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(TG_TABLE_SCHEMA || '_outbox', coalesce((SELECT min(id) || ' ' || max(id) FROM inserted), ''));
    RETURN NULL;
END $$;

DROP TRIGGER outbox_inserted ON outbox;
CREATE TRIGGER outbox_inserted AFTER INSERT ON outbox REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();
