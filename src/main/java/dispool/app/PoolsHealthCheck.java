package dispool.app;

import dispool.pool.DispoolEngine;
import dispool.pool.PoolView;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once the engine answers from the host; reports each pool as "ready/max" and names a pool
 * whose preloads keep failing. A short pool is not "down": hand-outs then go cold.
 */
@Readiness
@ApplicationScoped
public class PoolsHealthCheck implements HealthCheck {

    @Inject
    DispoolEngine engine;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("dispool-pools").up();
        for (PoolView p : engine.pools()) {
            b.withData(p.template(), p.ready() + "/" + p.max() + (p.lastFailure() == null ? "" : "; " + p.lastFailure()));
        }
        b.withData("suspended", engine.isSuspended());
        return b.build();
    }
}
