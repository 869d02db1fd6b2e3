package io.pipewatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard on a node that wants tokens: the page itself loads without one, its first API call
 * answers 401 and it asks for a token; a wrong one is refused and asked again; with the right one
 * (an operator's) the tables fill, {@code /ws} opens with it, and an operator action works.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardTokenIT {
  private static final String TOKEN = "dash-browser-test-token-5f0c";

  private RunningServer server;
  private ChromeDriver browser;
  private Path profile;

  @BeforeAll
  void start() throws IOException {
    DashboardIT.requireChromium();
    server =
        RunningServer.start(
            "dashboard-token",
            """
            pipewatch.simulator.demo.enabled = true
            pipewatch.simulator.pipeline = tokendemo
            pipewatch.simulator.demo.first-fault-after = 1h
            pipewatch.collector.probe.enabled = false
            pipewatch.api.auth.env-tokens = "browser:operator:%s"
            """
                .formatted(TOKEN));
    profile = Files.createTempDirectory("pipewatch-chromium-");
    browser = DashboardIT.chromium(profile);
    browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
  }

  @AfterAll
  void stop() throws IOException {
    DashboardIT.stop(browser, server, profile);
  }

  @Test
  void thePageAsksForATokenRefusesAWrongOneAndWorksWithTheRightOne() throws Exception {
    assertThat(server.get("/api/sources").statusCode()).as("no token").isEqualTo(401);
    TestProbe<Object> probe = server.kit.createTestProbe();
    probe.awaitAssert(
        Duration.ofSeconds(60),
        () -> {
          try {
            assertThat(
                    RunningServer.json(
                            server.get("/api/sources", "Authorization", "Bearer " + TOKEN))
                        .path("sources")
                        .size())
                .isGreaterThanOrEqualTo(4);
          } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
          }
          return null;
        });

    browser.get(server.baseUrl + "/");
    awaitDialog();
    enterToken("not-the-token");
    new WebDriverWait(browser, Duration.ofSeconds(20))
        .until(
            d ->
                Boolean.TRUE.equals(script("return document.getElementById('token-dialog').open"))
                    && browser
                        .findElement(By.id("token-error"))
                        .getText()
                        .contains("That token was refused"));
    enterToken(TOKEN);

    new WebDriverWait(browser, Duration.ofSeconds(30))
        .until(d -> "true".equals(body().getAttribute("data-ready")));
    assertThat(script("return sessionStorage.getItem('pipewatch.token')")).isEqualTo(TOKEN);
    new WebDriverWait(browser, Duration.ofSeconds(20))
        .until(
            d ->
                ((Number)
                            script(
                                "return document.querySelectorAll('#export-source option').length"))
                        .intValue()
                    >= 4);
    // /ws takes the token as access_token
    new WebDriverWait(browser, Duration.ofSeconds(20))
        .until(d -> "open".equals(body().getAttribute("data-ws-state")));
    // an operator may inject a fault
    browser.findElement(By.cssSelector("#fault-form button[type=submit]")).click();
    new WebDriverWait(browser, Duration.ofSeconds(10))
        .until(d -> browser.findElement(By.id("fault-result")).getText().startsWith("Injected"));

    List<String> errors =
        browser.manage().logs().get(LogType.BROWSER).getAll().stream()
            .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
            .map(LogEntry::getMessage)
            .filter(m -> !m.contains("401"))
            .toList();
    assertThat(errors).as("console errors besides the expected 401s").isEmpty();
  }

  private void awaitDialog() {
    new WebDriverWait(browser, Duration.ofSeconds(30))
        .until(
            d ->
                Boolean.TRUE.equals(script("return document.getElementById('token-dialog').open")));
  }

  private void enterToken(String token) {
    WebElement input = browser.findElement(By.id("token-input"));
    input.clear();
    input.sendKeys(token);
    browser.findElement(By.cssSelector("#token-form button[type=submit]")).click();
  }

  private WebElement body() {
    return browser.findElement(By.tagName("body"));
  }

  private Object script(String js) {
    return ((JavascriptExecutor) browser).executeScript(js);
  }
}
