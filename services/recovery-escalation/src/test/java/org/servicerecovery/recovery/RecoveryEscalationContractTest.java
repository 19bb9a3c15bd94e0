package org.servicerecovery.recovery;

import org.servicerecovery.testing.RealInfrastructure;
import org.servicerecovery.testing.ServiceContractTest;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, scope = TestResourceScope.GLOBAL)
class RecoveryEscalationContractTest extends ServiceContractTest {

    @Override
    protected String serviceName() {
        return "recovery-escalation";
    }

    @Override
    protected String pagedPath() {
        return "/api/v1/cases";
    }

    @Override
    protected JsonDoor jsonDoor() {
        return new JsonDoor("/api/v1/cases/no-such-case/pause", "agent");
    }
}
