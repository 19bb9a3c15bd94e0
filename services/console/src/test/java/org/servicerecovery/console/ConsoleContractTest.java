package org.servicerecovery.console;

import org.servicerecovery.testing.RealInfrastructure;
import org.servicerecovery.testing.ServiceContractTest;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, scope = TestResourceScope.GLOBAL)
// Global like the infrastructure, so every test class of the module shares one running console.
@WithTestResource(value = FakeServices.class, scope = TestResourceScope.GLOBAL)
class ConsoleContractTest extends ServiceContractTest {

    @Override
    protected String serviceName() {
        return "console";
    }
}
