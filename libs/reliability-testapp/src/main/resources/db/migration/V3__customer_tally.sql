-- One row per customer, changed by every event of the customer: the row locks a batch takes follow its events' order,
-- so only the unit of work's sorted customer locks keep two overlapping batches from deadlocking.
CREATE TABLE customer_tally (
    customer_id TEXT PRIMARY KEY,
    events      INT NOT NULL
);
