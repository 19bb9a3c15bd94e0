-- One row per recovery case. The columns are what queues, filters and reports select and sort by; the whole case
-- (steps, remedies, answers, customer snapshot) is the JSON document in doc, written from the domain record.
CREATE TABLE recovery_case (
    id              TEXT        PRIMARY KEY,
    customer_id     TEXT        NOT NULL,
    team            TEXT        NOT NULL,
    assignee        TEXT,
    severity        TEXT        NOT NULL,
    state           TEXT        NOT NULL,
    trigger         TEXT        NOT NULL,
    escalation      TEXT,
    next_deadline   TIMESTAMPTZ,
    overdue         BOOLEAN     NOT NULL,
    opened_at       TIMESTAMPTZ NOT NULL,
    resolved_at     TIMESTAMPTZ,
    policy_version  INT         NOT NULL,
    doc             TEXT        NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
-- The customer's latest case decides attach / repeat failure.
CREATE INDEX recovery_case_customer ON recovery_case (customer_id, opened_at DESC);
-- Queues are sorted by the next deadline, usually narrowed to a team or an assignee.
CREATE INDEX recovery_case_deadline ON recovery_case (next_deadline, id);
CREATE INDEX recovery_case_team_deadline ON recovery_case (team, next_deadline);
CREATE INDEX recovery_case_assignee_deadline ON recovery_case (assignee, next_deadline);
CREATE INDEX recovery_case_opened ON recovery_case (opened_at);
-- The gauges count these small partial indexes.
CREATE INDEX recovery_case_open ON recovery_case (severity) WHERE state <> 'RESOLVED';

-- Everything that happened to a case, in order.
CREATE TABLE case_timeline (
    id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id  TEXT        NOT NULL,
    at       TIMESTAMPTZ NOT NULL,
    type     TEXT        NOT NULL,
    actor    TEXT,
    detail   TEXT        NOT NULL
);
CREATE INDEX case_timeline_case ON case_timeline (case_id, id);

-- The latest customer.upserted per customer: tier, language, preferred channel, account team.
CREATE TABLE customer (
    customer_id   TEXT PRIMARY KEY,
    name          TEXT,
    tier          TEXT NOT NULL,
    locale        TEXT NOT NULL,
    timezone      TEXT,
    channel       TEXT NOT NULL,
    account_team  TEXT
);

-- Every published version of the recovery policy, immutable once written.
CREATE TABLE policy_version (
    version       INT         PRIMARY KEY,
    policy_id     TEXT        NOT NULL,
    yaml          TEXT        NOT NULL,
    published_at  TIMESTAMPTZ NOT NULL,
    published_by  TEXT        NOT NULL
);
