package io.muster.spring.cloud;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;

/**
 * Registers the application once its web server listens (so the port is known) and deregisters it when the
 * context stops. Its lifecycle phase is above the web server's graceful shutdown, so on SIGTERM the instance
 * leaves the registry first and the server then drains the requests already sent to it.
 */
public class MusterAutoRegistration implements ApplicationListener<WebServerInitializedEvent>, SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(MusterAutoRegistration.class);

    private final MusterServiceRegistry registry;
    private final MusterDiscoveryProperties properties;
    private final String applicationName;
    private final AtomicReference<MusterRegistration> registered = new AtomicReference<>();

    public MusterAutoRegistration(MusterServiceRegistry registry, MusterDiscoveryProperties properties,
            String applicationName) {
        this.registry = registry;
        this.properties = properties;
        this.applicationName = applicationName;
    }

    @Override
    public void onApplicationEvent(WebServerInitializedEvent event) {
        String namespace = event.getApplicationContext().getServerNamespace();
        if (namespace != null && !namespace.isEmpty()) {
            return; // the management server's own context
        }
        int port = properties.getPort() > 0 ? properties.getPort() : event.getWebServer().getPort();
        MusterRegistration r = registration(port);
        registry.register(r);
        registered.set(r);
        log.info("Registered {}/{} at {}:{} with Muster", r.serviceId(), r.instanceId(), r.host(), r.port());
    }

    /** What this application registered, once it has. */
    public Optional<MusterRegistration> registration() {
        return Optional.ofNullable(registered.get());
    }

    MusterRegistration registration(int port) {
        String service = !properties.getServiceName().isEmpty() ? properties.getServiceName() : applicationName;
        String address = !properties.getAddress().isEmpty() ? properties.getAddress() : localAddress();
        String id = !properties.getInstanceId().isEmpty() ? properties.getInstanceId()
                : service + "-" + address.replace(':', '.') + "-" + port;
        return new MusterRegistration(service, id, address, port, properties.getTags(), properties.getMetadata());
    }

    private static String localAddress() {
        try {
            return InetAddress.getLocalHost().getHostAddress();
        } catch (UnknownHostException e) {
            return "127.0.0.1";
        }
    }

    @Override
    public void start() {
        // Registration waits for the web server (onApplicationEvent).
    }

    @Override
    public void stop() {
        MusterRegistration r = registered.getAndSet(null);
        if (r != null) {
            registry.deregister(r);
            log.info("Deregistered {}/{} from Muster", r.serviceId(), r.instanceId());
        }
    }

    @Override
    public boolean isRunning() {
        return registered.get() != null;
    }

    /** The default phase: above the web server's graceful shutdown, so this stops (deregisters) first. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE;
    }
}
