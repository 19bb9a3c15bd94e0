package org.servicerecovery.promises;

import org.servicerecovery.testing.RealInfrastructure;
import org.servicerecovery.testing.ServiceContractTest;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, scope = TestResourceScope.GLOBAL)
class PromiseTrackingContractTest extends ServiceContractTest {

    @Override
    protected String serviceName() {
        return "promise-tracking";
    }

    @Override
    protected String pagedPath() {
        return "/api/v1/promises";
    }
}
