package org.servicerecovery.intake;

import org.servicerecovery.testing.RealInfrastructure;
import org.servicerecovery.testing.ServiceContractTest;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, scope = TestResourceScope.GLOBAL)
class IntakeContractTest extends ServiceContractTest {

    @Override
    protected String serviceName() {
        return "intake";
    }

    @Override
    protected JsonDoor jsonDoor() {
        return new JsonDoor("/api/v1/events", "crm");
    }
}
