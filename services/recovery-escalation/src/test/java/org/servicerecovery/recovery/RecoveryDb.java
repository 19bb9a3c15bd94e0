package org.servicerecovery.recovery;

import org.servicerecovery.testing.SchemaDb;

/** The service's schema, for tests that set up or check outcomes with plain SQL. */
final class RecoveryDb {

    static final SchemaDb SCHEMA = new SchemaDb("recovery_escalation");

    private RecoveryDb() {
    }
}
