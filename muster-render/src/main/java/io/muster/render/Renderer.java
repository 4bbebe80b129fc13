package io.muster.render;

import com.samskivert.mustache.MustacheException;
import io.muster.client.Endpoint;
import io.muster.client.MusterClient;
import io.muster.client.ServiceView;
import io.muster.client.ServiceViewEvent;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders templates from live service views. Every pass renders all templates, installs those whose bytes
 * changed, and then runs each distinct reload command of the installed ones once. Passes run one at a time on the
 * renderer's own thread; a view change schedules the next pass after the {@link QuietPeriod}.
 *
 * <p>A template that would show a service with no passing endpoint (or one the registry has not answered for) is
 * not installed: the last good file stays, and the log says which service was empty. An empty upstream makes
 * nginx refuse to start and HAProxy answer 503 for everything, which is worse than a stale list.
 */
final class Renderer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Renderer.class);

    private final MusterClient client;
    private final List<TemplateFile> templates;
    private final Duration readyTimeout;
    private final ShellCommand shell;
    private final FileInstaller installer;
    private final QuietPeriod quiet;
    private final Map<String, ServiceView> views = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "muster-render");
        t.setDaemon(true);
        return t;
    });
    private final Object lock = new Object();
    private final AtomicLong passes = new AtomicLong();
    private final AtomicLong reloads = new AtomicLong();
    private ScheduledFuture<?> due;

    /**
     * @param readyTimeout how long a newly named service's view may take to get its first answer before the pass
     *     treats it as empty
     */
    Renderer(MusterClient client, List<TemplateFile> templates, Duration waitMin, Duration waitMax,
            Duration readyTimeout, ShellCommand shell) {
        this.client = client;
        this.templates = List.copyOf(templates);
        this.readyTimeout = readyTimeout;
        this.shell = shell;
        this.installer = new FileInstaller(shell);
        this.quiet = new QuietPeriod(waitMin, waitMax);
    }

    /** Runs a first pass now, then one after every burst of view changes, until {@link #close()}. */
    void watch() {
        scheduler.execute(this::scheduledPass);
    }

    /** Passes completed so far. */
    long passes() {
        return passes.get();
    }

    /** Reload commands run so far. */
    long reloads() {
        return reloads.get();
    }

    /**
     * Renders every template once and runs the commands of those installed. Call from one thread at a time
     * ({@link #watch()} does so from the renderer's thread).
     *
     * @return how many templates or commands failed: kept back as empty, refused by their check, broken, or a
     *     command that exited non-zero
     */
    int renderAll() {
        int failed = 0;
        Set<String> commands = new LinkedHashSet<>();
        for (TemplateFile t : templates) {
            TemplateSpec spec = t.spec();
            TemplateFile.Rendering r;
            try {
                r = t.render(this::endpoints);
            } catch (MustacheException | IllegalArgumentException e) {
                log.error("Template {} failed to render; keeping {} as it is: {}", spec.source(), spec.destination(),
                        e.getMessage());
                failed++;
                continue;
            }
            if (!r.empty().isEmpty()) {
                log.warn("Keeping the last good {}: service(s) {} have no passing instance the registry confirmed; "
                        + "an empty upstream would turn all traffic away", spec.destination(), r.empty());
                failed++;
                continue;
            }
            FileInstaller.Outcome outcome;
            try {
                outcome = installer.install(spec.destination(), r.bytes(), spec.check());
            } catch (IOException e) {
                log.error("Cannot write {}: {}", spec.destination(), e.toString());
                failed++;
                continue;
            }
            switch (outcome) {
                case INSTALLED -> {
                    log.info("Rendered {} from {} ({} bytes, services {})", spec.destination(), spec.source(),
                            r.bytes().length, r.used());
                    spec.command().ifPresent(commands::add);
                }
                case CHECK_FAILED -> failed++;
                case UNCHANGED -> log.debug("{} unchanged", spec.destination());
            }
        }
        for (String command : commands) {
            ShellCommand.Result result = shell.run(command);
            reloads.incrementAndGet();
            if (result.ok()) {
                log.info("Ran `{}`", command);
            } else {
                log.error("Command `{}` failed (exit {}): {}", command, result.exit(), result.output());
                failed++;
            }
        }
        passes.incrementAndGet();
        return failed;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        views.values().forEach(ServiceView::close);
    }

    private List<Endpoint> endpoints(String service) {
        ServiceView view = views.computeIfAbsent(service, this::open);
        return view.endpoints();
    }

    private ServiceView open(String service) {
        ServiceView view = client.serviceView(service);
        view.addListener(this::changed);
        try {
            if (!view.awaitReady(readyTimeout)) {
                log.warn("No answer about '{}' from the registry within {}; rendering as if it had no instance",
                        service, readyTimeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return view;
    }

    private void changed(ServiceViewEvent event) {
        if (event.endpoints().equals(event.previous())) {
            return;
        }
        synchronized (lock) {
            long now = System.nanoTime();
            long at = quiet.changed(now);
            if (due != null) {
                due.cancel(false);
            }
            try {
                due = scheduler.schedule(this::scheduledPass, at - now, TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                log.debug("Renderer closed; change to '{}' not rendered", event.service());
            }
        }
    }

    private void scheduledPass() {
        synchronized (lock) {
            quiet.passStarted();
            due = null;
        }
        try {
            renderAll();
        } catch (RuntimeException e) {
            // The next change must still get a pass: nothing may escape into the scheduler and end it silently.
            log.error("Render pass failed", e);
        }
    }
}
