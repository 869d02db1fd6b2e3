package io.pipewatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.ElementClickInterceptedException;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser (Debian's headless {@code chromium} driven by {@code
 * chromedriver} through Selenium) against a whole node with the demo pipeline: the page loads
 * without console errors, its charts draw history and switch range, a fault injected with the
 * page's form shows its bottleneck in the table, the alert's Ack button changes {@code GET
 * /api/alerts}, and screenshots at 1280×800 and on a phone are written to {@code target/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardIT {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path SHOTS = Path.of("target", "dashboard");

  private RunningServer server;
  private ChromeDriver browser;
  private Path profile;

  @BeforeAll
  void start() throws IOException {
    requireChromium();
    server =
        RunningServer.start(
            "dashboard",
            """
            pipewatch.simulator.demo.enabled = true
            pipewatch.simulator.pipeline = dashdemo
            pipewatch.simulator.demo.first-fault-after = 1h
            pipewatch.collector.probe.enabled = false
            """);
    Files.createDirectories(SHOTS);
    profile = Files.createTempDirectory("pipewatch-chromium-");
    browser = chromium(profile);
    browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
    // the node serves data once its demo has reported a few times
    awaitTrue(
        Duration.ofSeconds(60),
        "the demo's stages report",
        () -> RunningServer.json(server.get("/api/sources")).path("sources").size() >= 4);
    browser.get(server.baseUrl + "/");
    new WebDriverWait(browser, Duration.ofSeconds(30))
        .until(d -> "true".equals(body().getAttribute("data-ready")));
  }

  /** Fails, saying what to install, when Debian's chromium or chromium-driver is missing. */
  static void requireChromium() {
    assertThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER))
        .as(
            "the browser test needs Debian's chromium and chromium-driver (%s, %s): run"
                + " tools/ensure-test-tools.sh as root or apt-get install chromium"
                + " chromium-driver",
            CHROMIUM, CHROMEDRIVER)
        .isTrue();
  }

  /**
   * Headless Debian chromium through its chromedriver, a fresh profile in {@code profile}, the
   * browser log kept; fails with what to install when either is missing.
   */
  static ChromeDriver chromium(Path profile) {
    requireChromium();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--no-first-run",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,800",
        "--user-data-dir=" + profile);
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
    return new ChromeDriver(service, options);
  }

  @AfterAll
  void stop() throws IOException {
    stop(browser, server, profile);
  }

  /** Quits the browser, stops the node and deletes the browser's profile; each may be null. */
  static void stop(ChromeDriver browser, RunningServer server, Path profile) throws IOException {
    if (browser != null) {
      browser.quit();
    }
    if (server != null) {
      server.close();
    }
    if (profile != null) {
      try (var files = Files.walk(profile)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  @Order(1)
  void thePageLoadsWithoutConsoleErrorsAndDrawsHistory() {
    List<String> errors = severeLogs();
    assertThat(errors).as("console errors").isEmpty();
    assertThat(script("return typeof Chart")).isEqualTo("function");
    // the 5-minute history of the demo's stages is drawn
    new WebDriverWait(browser, Duration.ofSeconds(20))
        .until(
            d ->
                Integer.parseInt(chart("chart-queue").getAttribute("data-history-points")) > 0
                    && Integer.parseInt(
                            chart("chart-throughput").getAttribute("data-history-points"))
                        > 0);
    assertThat(chart("chart-queue").getAttribute("data-range")).isEqualTo("5m");
  }

  @Test
  @Order(2)
  void liveChartsFollowTheWebSocket() {
    new WebDriverWait(browser, Duration.ofSeconds(20))
        .until(d -> "open".equals(body().getAttribute("data-ws-state")));
    // timed in the browser (Selenium's own round trips are slow on a loaded machine): when
    // DashboardUpdates reached the charts, from the moment the socket opened
    new WebDriverWait(browser, Duration.ofSeconds(30))
        .until(d -> ((Number) script("return pipewatch.charts.liveTimes.length")).intValue() >= 20);
    long firstAfterOpen =
        ((Number) script("return pipewatch.firstUpdateAt - pipewatch.openedAt")).longValue();
    long maxGap =
        ((Number)
                script(
                    "const t = pipewatch.charts.liveTimes;"
                        + " return Math.max(...t.slice(1).map((v, i) => v - t[i]))"))
            .longValue();
    assertThat(firstAfterOpen).as("first chart update after /ws opened, ms").isBetween(0L, 2000L);
    assertThat(maxGap).as("longest gap between chart updates, ms").isLessThan(2000L);
    assertThat(Integer.parseInt(chart("chart-throughput").getAttribute("data-live-updates")))
        .isPositive();
    assertThat(browser.findElement(By.id("ws-banner")).isDisplayed()).isFalse();
  }

  @Test
  @Order(3)
  void aFaultInjectedWithTheFormShowsItsBottleneck() {
    String source = "dashdemo-index";
    Set<String> before = bottleneckRowIds(source);
    WebElement form = browser.findElement(By.id("fault-form"));
    new Select(form.findElement(By.name("kind"))).selectByVisibleText("stage-stall");
    new Select(form.findElement(By.name("stage"))).selectByVisibleText("index");
    WebElement duration = form.findElement(By.name("duration"));
    duration.clear();
    duration.sendKeys("90s");
    form.findElement(By.cssSelector("button[type=submit]")).click();
    new WebDriverWait(browser, Duration.ofSeconds(10))
        .until(d -> browser.findElement(By.id("fault-result")).getText().startsWith("Injected"));
    assertThat(browser.findElement(By.id("fault-result")).getText())
        .contains("stage-stall", source);
    new WebDriverWait(browser, Duration.ofSeconds(30))
        .until(d -> bottleneckRowIds(source).stream().anyMatch(id -> !before.contains(id)));
  }

  @Test
  @Order(4)
  void theAckButtonAcknowledgesTheAlert() throws Exception {
    JsonNode alert =
        RunningServer.json(
            server.post("/api/test-alert", "{\"severity\":\"warning\",\"note\":\"browser test\"}"));
    String id = alert.path("id").asText();
    assertThat(alert.path("status").asText()).isEqualTo("firing");
    By ack = By.cssSelector("#alerts tr[data-id='" + id + "'] button[data-action=ack]");
    // the table is redrawn on every refresh: find and click in one step, again if it went stale;
    // the button is scrolled to the middle first, away from the sticky header
    new WebDriverWait(browser, Duration.ofSeconds(30))
        .ignoring(StaleElementReferenceException.class)
        .ignoring(ElementClickInterceptedException.class)
        .until(
            d -> {
              List<WebElement> buttons = browser.findElements(ack);
              if (buttons.isEmpty()) {
                return false;
              }
              script("arguments[0].scrollIntoView({block: 'center'})", buttons.get(0));
              buttons.get(0).click();
              return true;
            });
    awaitTrue(
        Duration.ofSeconds(10),
        "GET /api/alerts shows the alert acknowledged",
        () ->
            RunningServer.json(server.get("/api/alerts?status=acknowledged"))
                .path("alerts")
                .findValuesAsText("id")
                .contains(id));
    JsonNode one = RunningServer.json(server.get("/api/alerts/" + id));
    assertThat(one.path("acknowledgement").path("by").asText()).isEqualTo("dashboard");
    new WebDriverWait(browser, Duration.ofSeconds(10))
        .until(
            d ->
                "acknowledged"
                    .equals(
                        script(
                            "const r = document.querySelector('#alerts tr[data-id=\"' + arguments[0]"
                                + " + '\"]'); return r && r.dataset.status",
                            id)));
  }

  @Test
  @Order(5)
  void switchingTo1hRedrawsFromHistory() {
    int loads = Integer.parseInt(body().getAttribute("data-history-loads"));
    browser.findElement(By.cssSelector(".ranges button[data-range='1h']")).click();
    new WebDriverWait(browser, Duration.ofSeconds(20))
        .until(d -> Integer.parseInt(body().getAttribute("data-history-loads")) > loads);
    assertThat(chart("chart-queue").getAttribute("data-range")).isEqualTo("1h");
    assertThat(Integer.parseInt(chart("chart-queue").getAttribute("data-history-points")))
        .isPositive();
    Object asked =
        script(
            "return performance.getEntriesByType('resource').map(e => e.name)"
                + ".filter(n => n.includes('/api/metrics/') && n.endsWith('range=1h')).length");
    assertThat(((Number) asked).intValue()).as("history requests for 1h").isPositive();
    assertThat(
            browser
                .findElement(By.cssSelector(".ranges button[data-range='1h']"))
                .getAttribute("class"))
        .contains("active");
  }

  @Test
  @Order(6)
  void screenshotsAtDesktopAndPhoneSizes() throws IOException {
    int loads = Integer.parseInt(body().getAttribute("data-history-loads"));
    browser.findElement(By.cssSelector(".ranges button[data-range='5m']")).click();
    new WebDriverWait(browser, Duration.ofSeconds(20))
        .until(d -> Integer.parseInt(body().getAttribute("data-history-loads")) > loads);
    viewport(1280, 800);
    shot("dashboard-1280x800.png");
    viewport(390, 844);
    Number overflow =
        (Number) script("return document.documentElement.scrollWidth - window.innerWidth");
    Object wide =
        script(
            "return [...document.querySelectorAll('body *')]"
                + ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
                + ".slice(0, 8).map(e => e.tagName + '#' + e.id + '.' + e.className"
                + " + ' ' + Math.round(e.getBoundingClientRect().right)).join(', ')");
    assertThat(overflow.intValue())
        .as("horizontal overflow on a phone, px (too wide: %s)", wide)
        .isLessThanOrEqualTo(1);
    shot("dashboard-phone.png");
    assertThat(severeLogs()).as("console errors after the whole session").isEmpty();
  }

  // ------------------------------------------------------------------ helpers

  /** Sizes the window so that the page's viewport is {@code width} × {@code height}. */
  private void viewport(int width, int height) {
    browser.manage().window().setSize(new Dimension(width, height));
    int extraW = width - ((Number) script("return window.innerWidth")).intValue();
    int extraH = height - ((Number) script("return window.innerHeight")).intValue();
    browser.manage().window().setSize(new Dimension(width + extraW, height + extraH));
    new WebDriverWait(browser, Duration.ofSeconds(5))
        .until(d -> ((Number) script("return window.innerWidth")).intValue() == width);
    script("window.scrollTo(0, 0)");
  }

  private void shot(String name) throws IOException {
    Path file = browser.getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(file, SHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    assertThat(Files.size(SHOTS.resolve(name))).isGreaterThan(10_000);
  }

  /** The ids of the table's rows of {@code source}, read in one go (the table is redrawn often). */
  @SuppressWarnings("unchecked")
  private Set<String> bottleneckRowIds(String source) {
    List<String> ids =
        (List<String>)
            script(
                "return [...document.querySelectorAll('#bottlenecks tr[data-source=\"' + arguments[0]"
                    + " + '\"]')].map(r => r.dataset.id)",
                source);
    return Set.copyOf(ids);
  }

  /** SEVERE browser log entries. */
  private List<String> severeLogs() {
    return browser.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::getMessage)
        .toList();
  }

  private WebElement body() {
    return browser.findElement(By.tagName("body"));
  }

  private WebElement chart(String id) {
    return browser.findElement(By.id(id));
  }

  private Object script(String js, Object... args) {
    return ((JavascriptExecutor) browser).executeScript(js, args);
  }

  interface Check {
    boolean holds() throws Exception;
  }

  private void awaitTrue(Duration max, String what, Check check) {
    TestProbe<Object> probe = server.kit.createTestProbe();
    probe.awaitAssert(
        max,
        () -> {
          try {
            assertThat(check.holds()).as(what).isTrue();
          } catch (Exception e) {
            throw new AssertionError(what, e);
          }
          return null;
        });
  }
}
