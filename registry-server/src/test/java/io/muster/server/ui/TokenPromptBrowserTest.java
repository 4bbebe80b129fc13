package io.muster.server.ui;

import static io.muster.server.testing.TestCluster.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.muster.server.acl.Secrets;
import io.muster.server.testing.TestCluster;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;

/**
 * The UI's token prompt against a real member started with {@code --acl-default-policy deny}: no token, or one the
 * cluster does not know, opens the prompt (401); a token that may read no service gets the 403 text; a token that
 * reads services shows them and follows them live, without the prompt coming back for the calls it may not make
 * (the banners' and the header's operator reads). The token is kept only in sessionStorage and goes on every API
 * request as {@code Authorization: Bearer}, which Chromium's own network log shows. The tests run in order in one tab.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TokenPromptBrowserTest {
    private static final String ROOT = Secrets.newSecret();
    /** Reads every service, nothing else (no operator read: the banners' and the header's calls are refused). */
    private static String reader;
    /** Reads the cluster but no service: the services view is refused with 403. */
    private static String noServices;
    private static String noServicesAccessor;
    private static TestCluster cluster;
    private static Browser browser;
    /** Every request the page made so far, in order (Chromium's log is drained on each read). */
    private static final List<Browser.Request> requests = new ArrayList<>();

    @BeforeAll
    static void start() {
        assumeTrue(Browser.available(), "skipped: /usr/bin/chromium or /usr/bin/chromedriver is absent "
                + "(apt-get install chromium chromium-driver; .ci/run installs them, so CI runs this test)");
        cluster = new TestCluster(1, Map.of("acl-default-policy", "deny", "acl-bootstrap-token", ROOT)).start();
        // The leader creates the bootstrap token once it leads: a moment after start() returns.
        TestCluster.await("the bootstrap token", Duration.ofSeconds(60),
                () -> as(ROOT, "GET", "/v1/acl/whoami", null).statusCode() == 200);
        ok(as(ROOT, "PUT", "/v1/acl/policies/services-read",
                "{\"description\":\"the UI's reader\",\"rules\":[{\"service\":\"\",\"prefix\":true,\"access\":\"read\"}]}"));
        ok(as(ROOT, "PUT", "/v1/acl/policies/cluster-read", "{\"rules\":[{\"operator\":\"read\"}]}"));
        reader = token("services-read")[1];
        String[] t = token("cluster-read");
        noServicesAccessor = t[0];
        noServices = t[1];
        ok(as(ROOT, "PUT", "/v1/services/web/instances/web-1", "{\"address\":\"10.0.0.1\",\"port\":8080,\"tags\":[\"primary\"]}"));
        browser = new Browser(true);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private static HttpResponse<String> as(String token, String method, String path, String body) {
        return cluster.sendAs(token, method, 0, path, body);
    }

    private static void ok(HttpResponse<String> r) {
        assertEquals(200, r.statusCode(), r.body());
    }

    /** A new token carrying {@code policy}: {accessor, secret}. */
    private static String[] token(String policy) {
        var r = as(ROOT, "POST", "/v1/acl/tokens", "{\"description\":\"ui test\",\"policies\":[\"" + policy + "\"]}");
        ok(r);
        return new String[] {json(r).path("accessor").asText(), json(r).path("secret").asText()};
    }

    private static boolean dialogOpen() {
        return Boolean.TRUE.equals(browser.driver.executeScript("return document.getElementById('token-dialog').open;"));
    }

    private static String reason() {
        return browser.driver.findElement(By.id("token-reason")).getText();
    }

    /**
     * Enters a token in the open prompt. The reason is blanked first: the prompt sets it each time it opens, so a
     * reason shown afterwards comes from an answer to a request made after this.
     */
    private static void enterToken(String token) {
        browser.driver.executeScript("document.getElementById('token-reason').textContent = '';");
        var input = browser.driver.findElement(By.id("token-input"));
        input.clear();
        input.sendKeys(token);
        browser.driver.findElement(By.id("token-save")).click();
    }

    /** The request's path; "" for what has none (data: URLs, Chromium's own pages). */
    private static String path(Browser.Request r) {
        try {
            String p = URI.create(r.url()).getRawPath();
            return p == null ? "" : p;
        } catch (IllegalArgumentException notAUri) {
            return "";
        }
    }

    /** Opens a view in this tab with {@code token} in its session, as if it had been entered before. */
    private static void openWith(String token, String hash) {
        browser.driver.get(cluster.url(0) + "/ui/" + hash);
        browser.driver.executeScript("sessionStorage.setItem('muster-token', arguments[0]);", token);
        browser.driver.navigate().refresh();
    }

    private static boolean api(Browser.Request r) {
        return path(r).startsWith("/v1/");
    }

    /** Every request so far, after draining Chromium's log. */
    private static List<Browser.Request> requests() {
        requests.addAll(browser.requests());
        return requests;
    }

    /** Position of the first request from {@code from} on that matches, or -1. */
    private static int find(int from, Predicate<Browser.Request> p) {
        List<Browser.Request> all = requests();
        for (int i = from; i < all.size(); i++) {
            if (p.test(all.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private static Predicate<Browser.Request> with(String token) {
        return r -> ("Bearer " + token).equals(r.headers().get("Authorization"));
    }

    @Test
    @Order(1)
    void a401AsksForATokenA403SaysItLacksTheRightAndTheGoodOneShowsTheServices() {
        browser.driver.get(cluster.url(0) + "/ui/#/services");
        browser.await("the token prompt", d -> dialogOpen());
        assertTrue(reason().contains("valid token"), reason());
        assertTrue(requests().stream().filter(TokenPromptBrowserTest::api).noneMatch(r -> r.headers().containsKey("Authorization")),
                "no token before one is entered: " + requests);

        String unknown = Secrets.newSecret();
        enterToken(unknown);
        browser.await("the prompt again for a token the cluster does not know",
                d -> dialogOpen() && reason().contains("valid token") && find(0, with(unknown)) >= 0);

        enterToken(noServices);
        browser.await("the prompt again, saying the token lacks the right",
                d -> dialogOpen() && reason().contains("may not read"));
        assertTrue(reason().contains(noServicesAccessor), "the member's own 403 message: " + reason());
        // This token reads the cluster, so the header names the member; the good token below may not read it.
        browser.await("the header names the member", d -> d.findElement(By.id("member")).getText().equals("member n1 (leader)"));

        int before = requests().size();
        enterToken(reader);
        browser.await("the services once the token is accepted",
                d -> !d.findElements(By.cssSelector("tr[data-service='web']")).isEmpty());
        assertTrue(browser.driver.findElement(By.cssSelector("tr[data-service='web']")).getText().contains("primary"));
        // The header's GET /v1/cluster and the banner's self-preservation read are refused for this token (403).
        // Neither is what the operator asked to see, so neither may bring the prompt back: wait until the page
        // has handled both refusals, then look. The header falls back to the address once its read was refused;
        // the banner asks /health/ready only after its refused read was handled.
        String host = URI.create(cluster.url(0)).getAuthority();
        browser.await("the header's refused read handled", d -> d.findElement(By.id("member")).getText().equals(host));
        browser.await("the banner's refused read handled", d -> {
            int refused = find(before, r -> path(r).equals("/v1/operator/self-preservation") && with(reader).test(r));
            return refused >= 0 && find(refused + 1, r -> path(r).equals("/health/ready")) >= 0;
        });
        assertFalse(dialogOpen(), "the prompt came back for a call the view does not need: " + reason());

        assertEquals(reader, browser.driver.executeScript("return sessionStorage.getItem('muster-token');"));
        assertEquals(0L, browser.driver.executeScript("return localStorage.length;"));
        assertEquals("", browser.driver.executeScript("return document.cookie;"));
        assertTrue(browser.driver.manage().getCookies().isEmpty(), "no cookie at all, HttpOnly included: "
                + browser.driver.manage().getCookies());

        // From the first request with the new token on (a banner refresh may have gone out with the old one just
        // before it was entered), every API request carries it.
        int first = find(before, with(reader));
        List<Browser.Request> after = requests.subList(first, requests.size()).stream().filter(TokenPromptBrowserTest::api).toList();
        assertTrue(after.stream().anyMatch(r -> path(r).equals("/v1/services")), after.toString());
        assertTrue(after.stream().allMatch(with(reader)), "every API request carries the token: " + after);
        assertTrue(requests.stream().anyMatch(with(noServices)), "the refused token was sent too");
    }

    @Test
    @Order(2)
    void theBlockingQueriesCarryTheTokenSoTheViewsFollowLive() {
        openWith(reader, "#/services");
        browser.await("the services", d -> !d.findElements(By.cssSelector("tr[data-service='web']")).isEmpty());
        browser.driver.executeScript("window.__musterNoReload = true;");
        int before = requests().size();

        ok(as(ROOT, "PUT", "/v1/services/api/instances/api-1", "{\"address\":\"10.0.1.1\",\"port\":9000}"));
        browser.await("the new service, live", d -> !d.findElements(By.cssSelector("tr[data-service='api']")).isEmpty());
        assertEquals(Boolean.TRUE, browser.driver.executeScript("return window.__musterNoReload === true;"), "the page reloaded");
        // The view parks its next blocking query right after it drew the answer: wait for Chromium to log it.
        browser.await("the next blocking query, with the token", d ->
                find(before, r -> path(r).equals("/v1/services") && r.url().contains("index=") && with(reader).test(r)) >= 0);

        browser.driver.findElement(By.cssSelector("tr[data-service='web'] a")).click();
        browser.await("web's instance", d -> !d.findElements(By.cssSelector("tr[data-instance='web-1']")).isEmpty());
        ok(as(ROOT, "PUT", "/v1/services/web/instances/web-2", "{\"address\":\"10.0.0.2\",\"port\":8080}"));
        browser.await("the new instance, live", d -> !d.findElements(By.cssSelector("tr[data-instance='web-2']")).isEmpty());
        assertFalse(dialogOpen(), reason());
        List<Browser.Request> api = requests().subList(before, requests.size()).stream().filter(TokenPromptBrowserTest::api).toList();
        assertTrue(api.stream().anyMatch(r -> path(r).equals("/v1/services/web")), api.toString());
        assertTrue(api.stream().allMatch(with(reader)), "every API request carries the token: " + api);
    }

    @Test
    @Order(3)
    void forgettingTheTokenAsksAgain() {
        openWith(reader, "#/services");
        browser.await("the services", d -> !d.findElements(By.cssSelector("tr[data-service='web']")).isEmpty());
        browser.driver.findElement(By.id("token-button")).click();
        browser.await("the prompt, to replace or forget", d -> dialogOpen() && reason().contains("forget"));
        int before = requests().size();
        browser.driver.findElement(By.id("token-forget")).click();
        browser.await("the prompt for a token again", d -> dialogOpen() && reason().contains("valid token"));
        assertEquals(null, browser.driver.executeScript("return sessionStorage.getItem('muster-token');"));
        // From the view's first request without the token on (a banner refresh may have gone out with it just before).
        int first = find(before, r -> path(r).equals("/v1/services") && !r.headers().containsKey("Authorization"));
        assertTrue(first >= 0, requests.subList(before, requests.size()).toString());
        assertTrue(requests.subList(first, requests.size()).stream().filter(TokenPromptBrowserTest::api)
                .noneMatch(r -> r.headers().containsKey("Authorization")), "no token once forgotten");
    }
}
