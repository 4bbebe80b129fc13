package io.muster.server.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.muster.server.testing.TestCluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The web UI end to end in headless Chromium against real members: rows appear and turn critical live (no reload),
 * every view has a URL, filters work, and the banners show self-preservation holding expiries and a member
 * without a leader. The tests run in order on one cluster; the last one takes the cluster's quorum away.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebUiBrowserTest {
    private static TestCluster cluster;
    private static Browser browser;
    /** The member whose UI the browser opens: a follower, so it can be left without a leader at the end. */
    private static int member;

    @BeforeAll
    static void start() {
        assumeTrue(Browser.available(), "skipped: /usr/bin/chromium or /usr/bin/chromedriver is absent "
                + "(apt-get install chromium chromium-driver; .ci/run installs them, so CI runs this test)");
        // Self-preservation from two TTL instances on, so the banner test can trip it with a few.
        cluster = new TestCluster(3, Map.of("self-preservation-min", "2")).start();
        member = cluster.anyFollower();
        browser = new Browser();
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

    private static String ui(String hash) {
        return cluster.url(member) + "/ui/" + hash;
    }

    private static void register(String service, String id, String body) {
        var r = cluster.put(member, "/v1/services/" + service + "/instances/" + id, body);
        assertEquals(200, r.statusCode(), r.body());
    }

    private static WebElement row(String css) {
        return browser.await("a row " + css, d -> d.findElements(By.cssSelector(css)).stream().findFirst().orElse(null));
    }

    private static String text(String css) {
        return browser.driver.findElement(By.cssSelector(css)).getText();
    }

    /** Set in the page: a reload would clear it. */
    private static void markPage() {
        browser.driver.executeScript("window.__musterNoReload = true;");
    }

    private static void assertNotReloaded() {
        assertEquals(Boolean.TRUE, browser.driver.executeScript("return window.__musterNoReload === true;"), "the page reloaded");
    }

    @Test
    @Order(1)
    void aRegistrationAppearsAndItsTtlLapseTurnsItCriticalWithoutAReload() {
        register("web", "web-2", "{\"address\":\"10.0.0.2\",\"port\":8080,\"tags\":[\"canary\"],\"weight\":5}");
        browser.driver.get(ui("#/services"));
        row("tr[data-service='web']");
        markPage();

        register("api", "api-1", "{\"address\":\"10.0.1.1\",\"port\":9000,\"tags\":[\"primary\"],\"metadata\":{\"version\":\"2.1.0\"}}");
        WebElement api = row("tr[data-service='api']");
        assertTrue(api.getText().contains("primary"), api.getText());

        browser.driver.findElement(By.cssSelector("tr[data-service='web'] a")).click();
        browser.await("the web view", d -> d.getCurrentUrl().endsWith("#/services/web"));
        row("tr[data-instance='web-2']");
        register("web", "web-1", "{\"address\":\"10.0.0.1\",\"port\":8080,\"tags\":[\"primary\"],\"metadata\":{\"version\":\"2.1.0\"},"
                + "\"check\":{\"ttl\":\"2s\"}}");
        WebElement fresh = row("tr[data-instance='web-1'][data-status='passing']");
        assertTrue(fresh.getText().contains("10.0.0.1") && fresh.getText().contains("version=2.1.0") && fresh.getText().contains("ttl 2s"),
                fresh.getText());
        browser.screenshot("service");

        WebElement lapsed = row("tr[data-instance='web-1'][data-status='critical']");
        assertTrue(lapsed.getText().contains("TTL expired"), lapsed.getText());
        assertNotReloaded();
        browser.await("the summary counts the critical one", d -> text("#summary").contains("1 critical"));

        browser.driver.findElement(By.cssSelector("a[href='#/services']")).click();
        WebElement web = row("tr[data-service='web']");
        browser.await("web counts 1 passing, 1 critical", d -> {
            List<WebElement> cells = d.findElement(By.cssSelector("tr[data-service='web']")).findElements(By.tagName("td"));
            return cells.get(2).getText().equals("1") && cells.get(4).getText().equals("1");
        });
        assertTrue(web.getText().contains("canary") && web.getText().contains("primary"), web.getText());
        assertNotReloaded();
        browser.screenshot("services");
    }

    @Test
    @Order(2)
    void everyViewHasAUrlAndTheFiltersWork() {
        browser.driver.get(ui("#/services/web?status=critical"));
        row("tr[data-instance='web-1']");
        assertEquals("web", text("h1"));
        assertTrue(browser.driver.findElements(By.cssSelector("tr[data-instance='web-2']")).isEmpty(), "the status filter from the URL");
        assertEquals("critical", new Select(browser.driver.findElement(By.id("filter-status"))).getFirstSelectedOption().getAttribute("value"));

        new Select(browser.driver.findElement(By.id("filter-status"))).selectByValue("");
        row("tr[data-instance='web-2']");
        browser.driver.findElement(By.id("filter-tag")).sendKeys("canary");
        browser.await("only canary", d -> d.findElements(By.cssSelector("tr[data-instance='web-1']")).isEmpty());
        row("tr[data-instance='web-2']");
        browser.await("the filter in the URL", d -> d.getCurrentUrl().endsWith("#/services/web?tag=canary"));

        browser.driver.get(ui("#/services"));
        row("tr[data-service='api']");
        browser.driver.findElement(By.id("filter-name")).sendKeys("we");
        browser.await("only web", d -> d.findElements(By.cssSelector("tr[data-service='api']")).isEmpty());
        browser.driver.findElement(By.id("filter-name")).clear();
        new Select(browser.driver.findElement(By.id("filter-status"))).selectByValue("critical");
        browser.await("only services with a critical instance", d -> d.findElements(By.cssSelector("tr[data-service='api']")).isEmpty()
                && !d.findElements(By.cssSelector("tr[data-service='web']")).isEmpty());
        browser.driver.get(ui("#/services?tag=primary&name=ap"));
        row("tr[data-service='api']");
        assertTrue(browser.driver.findElements(By.cssSelector("tr[data-service='web']")).isEmpty());

        browser.driver.get(ui("#/cluster"));
        browser.await("three members", d -> d.findElements(By.cssSelector("tr[data-member]")).size() == 3);
        String leader = cluster.id(cluster.awaitLeader(Duration.ofSeconds(30)));
        browser.await("the leader named", d -> text("#leader").equals(leader));
        assertTrue(text("tr[data-member='" + leader + "']").contains("leader"));
        assertTrue(text("#cluster-summary").contains("term"));
        browser.screenshot("cluster");

        browser.driver.get(ui("#/nowhere"));
        browser.await("not found", d -> text("h1").equals("Not found"));
    }

    @Test
    @Order(3)
    void theBannerSaysWhenSelfPreservationHoldsExpiries() {
        browser.driver.get(ui("#/services/herd"));
        for (int i = 1; i <= 3; i++) {
            register("herd", "h" + i, "{\"address\":\"10.0.2." + i + "\",\"port\":80,\"check\":{\"ttl\":\"2s\"}}");
        }
        row("tr[data-instance='h3']");
        WebElement banner = row("#banner-self-preservation");
        assertTrue(banner.getText().contains("Self-preservation is on"), banner.getText());
        browser.screenshot("self-preservation");
        var off = cluster.put(member, "/v1/operator/self-preservation", "{\"enabled\":false}");
        assertEquals(200, off.statusCode(), off.body());
        browser.await("the banner goes", d -> d.findElements(By.id("banner-self-preservation")).isEmpty());
        row("tr[data-instance='h1'][data-status='critical']");
    }

    @Test
    @Order(4)
    void theBannerSaysWhenThisMemberHasNoLeader() {
        browser.driver.get(ui("#/services"));
        row("tr[data-service='web']");
        for (int i = 0; i < 3; i++) {
            if (i != member) {
                cluster.kill(i);
            }
        }
        WebElement banner = row("#banner-no-leader");
        assertTrue(banner.getText().contains("no leader"), banner.getText());
        // Stale reads keep answering: the last known services stay on screen.
        assertTrue(!browser.driver.findElements(By.cssSelector("tr[data-service='web']")).isEmpty());
    }

    // With ACLs on (the token prompt, 401 and 403, the token on every request): TokenPromptBrowserTest.
}
