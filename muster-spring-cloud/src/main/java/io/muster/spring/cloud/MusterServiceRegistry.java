package io.muster.spring.cloud;

import io.muster.client.InstanceStatus;
import io.muster.client.MusterClient;
import io.muster.client.Registration;
import io.muster.client.RegistrationHandle;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.cloud.client.serviceregistry.ServiceRegistry;

/**
 * Spring Cloud's {@link ServiceRegistry} over the client: a registration heartbeats in the background until
 * deregistered. Statuses map as spring-cloud-consul's do: {@code UP} passing, {@code OUT_OF_SERVICE} and
 * {@code DOWN} critical, {@code WARNING} warning.
 */
public class MusterServiceRegistry implements ServiceRegistry<MusterRegistration> {
    private final MusterClient client;
    private final Duration ttl;
    private final Map<String, RegistrationHandle> handles = new ConcurrentHashMap<>();

    public MusterServiceRegistry(MusterClient client, Duration ttl) {
        this.client = client;
        this.ttl = ttl;
    }

    private static String key(MusterRegistration r) {
        return r.serviceId() + "/" + r.instanceId();
    }

    @Override
    public void register(MusterRegistration r) {
        Registration.Builder b = Registration.builder(r.serviceId(), r.instanceId()).address(r.host()).port(r.port())
                .ttl(ttl).metadata(r.metadata());
        r.tags().forEach(b::tag);
        handles.put(key(r), client.register(b.build()));
    }

    @Override
    public void deregister(MusterRegistration r) {
        RegistrationHandle h = handles.remove(key(r));
        if (h != null) {
            h.close();
        }
    }

    @Override
    public void close() {
        handles.values().forEach(RegistrationHandle::close);
        handles.clear();
    }

    @Override
    public void setStatus(MusterRegistration r, String status) {
        RegistrationHandle h = handles.get(key(r));
        if (h == null) {
            throw new IllegalStateException(key(r) + " is not registered");
        }
        InstanceStatus s = switch (status.toUpperCase(Locale.ROOT)) {
            case "UP", "PASSING" -> InstanceStatus.PASSING;
            case "WARNING" -> InstanceStatus.WARNING;
            case "DOWN", "OUT_OF_SERVICE", "CRITICAL" -> InstanceStatus.CRITICAL;
            default -> throw new IllegalArgumentException("unknown status '" + status
                    + "'; use UP, WARNING, DOWN or OUT_OF_SERVICE");
        };
        h.setStatus(s, s == InstanceStatus.PASSING ? "" : "set to " + status + " by the application");
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getStatus(MusterRegistration r) {
        RegistrationHandle h = handles.get(key(r));
        if (h == null) {
            return null;
        }
        return (T) (h.status() == InstanceStatus.PASSING ? "UP" : h.status() == InstanceStatus.WARNING ? "WARNING" : "DOWN");
    }
}
