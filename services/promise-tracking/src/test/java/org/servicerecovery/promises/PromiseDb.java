package org.servicerecovery.promises;

import org.servicerecovery.testing.SchemaDb;

/** The service's schema, for tests that set up or check outcomes with plain SQL. */
final class PromiseDb {

    static final SchemaDb SCHEMA = new SchemaDb("promise_tracking");

    private PromiseDb() {
    }
}
