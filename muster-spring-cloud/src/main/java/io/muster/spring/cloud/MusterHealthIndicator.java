package io.muster.spring.cloud;

import io.muster.client.MusterClient;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/** {@code /actuator/health}'s {@code muster} component: up while a member answers the service list. */
public class MusterHealthIndicator extends AbstractHealthIndicator {
    private final MusterClient client;
    private final MusterAutoRegistration registration;

    public MusterHealthIndicator(MusterClient client, MusterAutoRegistration registration) {
        super("Muster registry unreachable");
        this.client = client;
        this.registration = registration;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        int services = client.services().size();
        builder.up().withDetail("members", client.members().toString()).withDetail("services", services);
        if (registration != null) {
            registration.registration().ifPresent(r -> builder.withDetail("registered", r.serviceId() + "/" + r.instanceId()));
        }
    }
}
