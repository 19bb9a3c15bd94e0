package org.servicerecovery.loyalty;

import org.servicerecovery.testing.RealInfrastructure;
import org.servicerecovery.testing.ServiceContractTest;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, scope = TestResourceScope.GLOBAL)
class LoyaltyScoringContractTest extends ServiceContractTest {

    @Override
    protected String serviceName() {
        return "loyalty-scoring";
    }

    @Override
    protected String pagedPath() {
        return "/api/v1/customers";
    }
}
