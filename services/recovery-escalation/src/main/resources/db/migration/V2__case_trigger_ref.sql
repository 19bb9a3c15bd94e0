-- The failure a case was opened for, as a column: a retracted miss (promise.miss-retracted) finds the case its
-- promise opened by this id, which until now was only inside the JSON document.
ALTER TABLE recovery_case ADD COLUMN trigger_ref TEXT;
UPDATE recovery_case SET trigger_ref = doc::jsonb ->> 'triggerRef';
ALTER TABLE recovery_case ALTER COLUMN trigger_ref SET NOT NULL;
CREATE INDEX recovery_case_trigger_ref ON recovery_case (trigger_ref);
