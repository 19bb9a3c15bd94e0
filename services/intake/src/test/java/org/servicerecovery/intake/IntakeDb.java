package org.servicerecovery.intake;

import org.servicerecovery.testing.SchemaDb;

/** The service's schema, for tests that set up or check outcomes with plain SQL. */
final class IntakeDb {

    static final SchemaDb SCHEMA = new SchemaDb("intake");

    private IntakeDb() {
    }
}
