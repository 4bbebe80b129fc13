package io.muster.server.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.logging.Level;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium, headless, driven through the system chromedriver: never a downloaded browser or driver
 * (both paths are given, so Selenium Manager has nothing to look up).
 */
final class Browser implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** Where screenshots go on every run; -Dmuster.writeScreenshots=true also copies them to docs/ui/. */
    static final Path SHOTS = Path.of("target", "ui-screenshots");
    static final Path DOCS = Path.of("..", "docs", "ui");

    private static final ObjectMapper JSON = new ObjectMapper();

    final ChromeDriver driver;
    private final Path profile;

    static boolean available() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    Browser() {
        this(false);
    }

    /**
     * @param recordRequests keep Chromium's network events (its performance log), so a test can read back the
     *        requests the page made, headers included, with {@link #requests}
     */
    Browser(boolean recordRequests) {
        try {
            profile = Files.createTempDirectory("muster-chromium");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // Root in a container: no sandbox; no GPU, /dev/shm or background traffic; a fresh profile per run.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile, "--window-size=1280,720");
        if (recordRequests) {
            LoggingPreferences logs = new LoggingPreferences();
            logs.enable(LogType.PERFORMANCE, Level.ALL);
            options.setCapability("goog:loggingPrefs", logs);
        }
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .usingAnyFreePort()
                .withTimeout(Duration.ofSeconds(60))
                .build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60)).scriptTimeout(Duration.ofSeconds(30));
    }

    /** A request the page made, as Chromium was about to send it. */
    record Request(String method, String url, Map<String, String> headers) {
    }

    /**
     * The requests the page made since the last call (Chromium's log is drained by reading it); only with
     * {@code recordRequests}.
     */
    List<Request> requests() {
        List<Request> seen = new ArrayList<>();
        for (LogEntry e : driver.manage().logs().get(LogType.PERFORMANCE)) {
            JsonNode m;
            try {
                m = JSON.readTree(e.getMessage()).path("message");
            } catch (IOException notJson) {
                throw new UncheckedIOException(notJson);
            }
            if (m.path("method").asText().equals("Network.requestWillBeSent")) {
                JsonNode r = m.path("params").path("request");
                Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                r.path("headers").fields().forEachRemaining(h -> headers.put(h.getKey(), h.getValue().asText()));
                seen.add(new Request(r.path("method").asText(), r.path("url").asText(), headers));
            }
        }
        return seen;
    }

    /** Waits for a condition with a generous deadline (the machine may be loaded); never a sleep. */
    <T> T await(String what, Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, Duration.ofSeconds(60), Duration.ofMillis(100)).withMessage(what).until(condition);
    }

    void screenshot(String name) {
        byte[] png = driver.getScreenshotAs(OutputType.BYTES);
        try {
            Files.createDirectories(SHOTS);
            Files.write(SHOTS.resolve(name + ".png"), png);
            if (Boolean.getBoolean("muster.writeScreenshots")) {
                Files.createDirectories(DOCS);
                Files.write(DOCS.resolve(name + ".png"), png);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (var walk = Files.walk(profile)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // best effort: under the system temp dir
            }
        }
    }
}
