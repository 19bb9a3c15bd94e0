-- What the owner timer handlers lock and count, like a promise or a case: one row per owner, a firing per timer.
CREATE TABLE owner_firing (
    id       TEXT PRIMARY KEY,
    firings  INT  NOT NULL DEFAULT 0
);
