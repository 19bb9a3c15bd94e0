-- A score's explanation is stored as text: parsing it into jsonb on every score change (about 1.2 KB each, hundreds per
-- second) was PostgreSQL's work for a column nothing queries into (the service reads it back whole). Rows written
-- before keep their jsonb copy until their next change; each row has exactly one of the two.
ALTER TABLE customer_score ADD COLUMN contributions_text TEXT;
ALTER TABLE customer_score ALTER COLUMN contributions DROP NOT NULL;
ALTER TABLE customer_score ADD CONSTRAINT customer_score_contributions_once
    CHECK ((contributions IS NULL) <> (contributions_text IS NULL)) NOT VALID;
