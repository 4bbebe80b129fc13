package io.muster.server.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * The UI's token prompt. This branch has no ACLs yet, so a loopback server plays an ACL-enabled member: it serves
 * the UI's real bundled files and answers {@code /v1/*} with the contract's 401 without a token, 403 for a token
 * without the right, and data for the good one. TODO(after the ACL branch merges): the same against real members
 * started with --acl-default-policy deny.
 */
class TokenPromptBrowserTest {
    private static HttpServer server;
    private static ExecutorService threads;
    private static Browser browser;
    private static final CountDownLatch closing = new CountDownLatch(1);
    private static final Set<String> tokensSeen = ConcurrentHashMap.newKeySet();

    @BeforeAll
    static void start() throws IOException {
        assumeTrue(Browser.available(), "skipped: /usr/bin/chromium or /usr/bin/chromedriver is absent "
                + "(apt-get install chromium chromium-driver; .ci/run installs them, so CI runs this test)");
        threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "token-prompt-stub");
            t.setDaemon(true);
            return t;
        });
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(threads);
        server.createContext("/ui/", TokenPromptBrowserTest::file);
        server.createContext("/v1/", TokenPromptBrowserTest::api);
        server.createContext("/health/", ex -> send(ex, 200, "{\"status\":\"ready\",\"appliedIndex\":1}"));
        server.start();
        browser = new Browser();
    }

    @AfterAll
    static void stop() {
        closing.countDown();
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.stop(0);
            threads.shutdownNow();
        }
    }

    private static void file(HttpExchange ex) throws IOException {
        String name = ex.getRequestURI().getPath().substring("/ui/".length());
        if (name.isEmpty()) {
            name = "index.html";
        }
        try (InputStream in = TokenPromptBrowserTest.class.getClassLoader().getResourceAsStream("muster-ui/" + name)) {
            if (in == null || name.contains("..")) {
                send(ex, 404, "{\"error\":\"not_found\",\"message\":\"no such file\"}");
                return;
            }
            byte[] body = in.readAllBytes();
            String type = name.endsWith(".js") ? "text/javascript" : name.endsWith(".css") ? "text/css" : "text/html";
            ex.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        }
    }

    private static void api(HttpExchange ex) throws IOException {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth != null) {
            tokensSeen.add(auth);
        }
        if (auth == null || auth.equals("Bearer wrong")) {
            send(ex, 401, "{\"error\":\"unauthenticated\",\"message\":\"a token is required\"}");
        } else if (auth.equals("Bearer reader-of-nothing")) {
            send(ex, 403, "{\"error\":\"permission_denied\",\"message\":\"this token may not read services\"}");
        } else if (auth.equals("Bearer good")) {
            if (ex.getRequestURI().getQuery() != null && ex.getRequestURI().getQuery().contains("index=")) {
                // A blocking query with nothing changing: park it, as a member would, until the test ends.
                try {
                    closing.await(5, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                ex.close();
                return;
            }
            String path = ex.getRequestURI().getPath();
            ex.getResponseHeaders().set("X-Muster-Index", "5");
            if (path.equals("/v1/services")) {
                send(ex, 200, "{\"web\":{\"instances\":1,\"passing\":1,\"warning\":0,\"critical\":0,\"tags\":[\"primary\"]}}");
            } else if (path.equals("/v1/operator/self-preservation")) {
                send(ex, 200, "{\"enabled\":true,\"active\":false}");
            } else {
                send(ex, 200, "{\"leader\":\"n1\",\"term\":1,\"members\":[]}");
            }
        } else {
            send(ex, 401, "{\"error\":\"unauthenticated\",\"message\":\"unknown token\"}");
        }
    }

    private static void send(HttpExchange ex, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
        ex.close();
    }

    private static boolean dialogOpen() {
        return Boolean.TRUE.equals(browser.driver.executeScript("return document.getElementById('token-dialog').open;"));
    }

    private static void enterToken(String token) {
        var input = browser.driver.findElement(By.id("token-input"));
        input.clear();
        input.sendKeys(token);
        browser.driver.findElement(By.id("token-save")).click();
    }

    @Test
    void a401AsksForATokenKeptOnlyInTheSession() {
        browser.driver.get("http://127.0.0.1:" + server.getAddress().getPort() + "/ui/#/services");
        browser.await("the token prompt", d -> dialogOpen());
        assertTrue(browser.driver.findElement(By.id("token-reason")).getText().contains("valid token"));

        enterToken("reader-of-nothing");
        browser.await("the prompt again, saying the token lacks the right",
                d -> dialogOpen() && d.findElement(By.id("token-reason")).getText().contains("may not read"));

        enterToken("good");
        browser.await("the services once the token is accepted", d -> !d.findElements(By.cssSelector("tr[data-service='web']")).isEmpty());
        assertTrue(!dialogOpen());
        assertEquals("good", browser.driver.executeScript("return sessionStorage.getItem('muster-token');"));
        assertEquals(0L, browser.driver.executeScript("return localStorage.length;"));
        assertEquals("", browser.driver.executeScript("return document.cookie;"));
        assertTrue(tokensSeen.contains("Bearer good") && tokensSeen.contains("Bearer reader-of-nothing"), tokensSeen.toString());
    }
}
