package dev.tether.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tether.access.NewPasscode;
import dev.tether.account.Scope;
import dev.tether.testing.ApiResponse;
import dev.tether.testing.Backend;
import dev.tether.testing.TestServer;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console in a real headless Chromium (Debian's chromium and chromium-driver), driven by Selenium the way
 * a support agent uses it: sign in, find, look at the history, disassociate with a preview, see the history change,
 * sign out. Each step leaves a screenshot in target/console-screenshots. Without Chromium the test is skipped and
 * says so.
 */
class ConsoleBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    private static final String PHONE = "+14155550142";

    @TempDir
    Path profileDir;

    private TestServer server;
    private TestServer.Client client;
    private ChromeDriver browser;
    private WebDriverWait wait;
    private String guid;

    @BeforeEach
    void start() throws IOException {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "Chromium or its driver is missing (Debian packages chromium and chromium-driver; .ci/run installs "
                        + "them): the console's browser test is skipped");
        server = new TestServer(Backend.SQLITE);
        client = server.newAccount();
        ApiResponse upload = client.post("/1/upload", "{\"d\":["
                + "{\"type\":\"profile\",\"identity\":\"asha-7\",\"profileData\":{\"Name\":\"Asha Rao\","
                + "\"Email\":\"asha@example.com\",\"Phone\":\"" + PHONE + "\",\"Plan\":\"gold\"}},"
                + "{\"type\":\"event\",\"identity\":\"asha-7\",\"evtName\":\"Charged\",\"evtData\":{\"Amount\":300}},"
                + "{\"type\":\"event\",\"identity\":\"asha-7\",\"evtName\":\"Charged\",\"evtData\":{\"Amount\":120}},"
                + "{\"type\":\"event\",\"identity\":\"asha-7\",\"evtName\":\"Product Viewed\",\"evtData\":{}}]}");
        assertThat(upload.json().path("processed").asInt()).as(upload.body()).isEqualTo(4);
        guid = client.get("/1/profile.json?identity=asha-7").json().path("record").path("objectId").asText();

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1200,1800", "--user-data-dir=" + profileDir);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(15));
        try {
            Files.createDirectories(SCREENSHOTS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    private void screenshot(String step) throws IOException {
        Files.write(SCREENSHOTS.resolve(step + ".png"), browser.getScreenshotAs(OutputType.BYTES));
    }

    private WebElement visible(String id) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(By.id(id)));
    }

    private void type(String id, String text) {
        WebElement field = visible(id);
        field.clear();
        field.sendKeys(text);
    }

    private void textAppears(String id, String text) {
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id(id), text));
    }

    private List<String> rows(String tableId) {
        return browser.findElements(By.cssSelector("#" + tableId + " tbody tr")).stream().map(WebElement::getText)
                .toList();
    }

    private void signIn(String passcode) {
        type("account", client.accountId());
        type("passcode", passcode);
        browser.findElement(By.id("sign-in-button")).click();
    }

    private void find(String kind, String value) {
        new Select(browser.findElement(By.id("find-kind"))).selectByValue(kind);
        type("find-value", value);
        browser.findElement(By.id("find-button")).click();
    }

    @Test
    void aSupportAgent_signsIn_findsAProfile_disassociatesItsNumber_seesTheHistoryChange_andSignsOut()
            throws Exception {
        browser.get(server.baseUrl() + "/console");
        assertThat(browser.getTitle()).isEqualTo("Tether console");
        visible("sign-in-form");
        screenshot("01-sign-in");

        signIn("NOT-THE-PASSCODE");
        textAppears("sign-in-error", "Invalid Credentials");
        assertThat(browser.findElement(By.id("workspace")).isDisplayed()).isFalse();
        screenshot("02-wrong-passcode");

        signIn(client.passcode());
        visible("workspace");
        textAppears("who", client.accountId());
        assertThat(browser.findElement(By.id("passcode")).getAttribute("value")).isEmpty();
        screenshot("03-signed-in");

        find("phone", PHONE);
        textAppears("profile-guid", guid);
        assertThat(rows("profile-properties")).contains("Name Asha Rao", "Plan gold");
        assertThat(rows("profile-events")).anyMatch(row -> row.startsWith("Charged 2 "))
                .anyMatch(row -> row.startsWith("Product Viewed 1 "));
        assertThat(rows("profile-identities")).anyMatch(row -> row.startsWith("Phone " + PHONE))
                .anyMatch(row -> row.startsWith("Email asha@example.com"))
                .anyMatch(row -> row.startsWith("Identity asha-7"));
        assertThat(rows("profile-timeline")).anyMatch(row -> row.contains(PHONE) && row.contains("now"));
        screenshot("04-profile-by-phone");
        for (String[] by : new String[][] {{"email", "asha@example.com"}, {"identity", "asha-7"},
                {"objectId", guid}}) {
            browser.findElement(By.id("profile-guid"));
            find(by[0], by[1]);
            textAppears("status", "Profile " + guid + " found.");
            assertThat(browser.findElement(By.id("profile-guid")).getText()).isEqualTo(guid);
        }
        find("phone", "+14155550199");
        textAppears("find-error", "No profile has that Phone.");

        type("history-phone", PHONE);
        browser.findElement(By.id("history-button")).click();
        textAppears("history-summary", "Held now by profile " + guid);
        assertThat(rows("history-table")).hasSize(1);
        screenshot("05-history-before");

        type("disassociate-phone", "12345");
        browser.findElement(By.id("preview-button")).click();
        textAppears("disassociate-error", "Phone number is not valid (code 516)");

        type("disassociate-phone", PHONE);
        browser.findElement(By.id("preview-button")).click();
        textAppears("preview-text", "will leave profile " + guid + " (Asha Rao)");
        screenshot("06-preview");
        browser.findElement(By.id("cancel-button")).click();
        textAppears("status", "Nothing was changed.");
        assertThat(client.get("/1/profile.json?phone=" + PHONE).status()).as("a preview changes nothing")
                .isEqualTo(200);

        find("identity", "asha-7"); // the profile on show while its number is disassociated
        textAppears("status", "Profile " + guid + " found.");
        browser.findElement(By.id("preview-button")).click();
        visible("confirm-button").click();
        textAppears("disassociate-result", PHONE + " was disassociated.");
        textAppears("history-summary", "Held by no profile now.");
        assertThat(rows("history-table")).singleElement().satisfies(row ->
                assertThat(row).contains(guid).contains("uploaded").contains("disassociated"));
        // the profile shown above is refreshed too: the number is no longer held now, and its timeline ends
        assertThat(browser.findElement(By.id("profile")).isDisplayed()).isTrue();
        wait.until(driver -> rows("profile-identities").stream().noneMatch(row -> row.contains(PHONE)));
        assertThat(rows("profile-identities")).anyMatch(row -> row.startsWith("Identity asha-7"));
        assertThat(rows("profile-timeline")).filteredOn(row -> row.contains(PHONE)).singleElement()
                .satisfies(row -> assertThat(row).doesNotContain("now").contains("disassociated"));
        assertThat(browser.findElement(By.id("profile-guid")).getText()).isEqualTo(guid);
        textAppears("status", PHONE + " was disassociated.");
        screenshot("07-disassociated");
        assertThat(client.get("/1/profile.json?phone=" + PHONE).status()).isEqualTo(404);
        assertThat(client.get("/1/profile.json?identity=asha-7").json().path("record").path("objectId").asText())
                .as("the profile keeps its GUID and its other identities").isEqualTo(guid);

        // the passcode is in no URL, no storage and no cookie
        JavascriptExecutor page = browser;
        assertThat(browser.getCurrentUrl()).doesNotContain(client.passcode()).endsWith("/console");
        assertThat(page.executeScript("return localStorage.length + sessionStorage.length")).isEqualTo(0L);
        assertThat(page.executeScript("return document.cookie")).isEqualTo("");

        browser.findElement(By.id("sign-out")).click();
        visible("sign-in-form");
        assertThat(browser.findElement(By.id("workspace")).isDisplayed()).isFalse();
        assertThat(browser.findElement(By.id("profile")).isDisplayed()).isFalse();
        textAppears("status", "Signed out.");
        screenshot("08-signed-out");
        browser.navigate().refresh();
        visible("sign-in-form");
        assertThat(browser.findElement(By.id("workspace")).isDisplayed()).as("a reload forgets the sign-in")
                .isFalse();
    }

    /**
     * A carrier's late list in the console: the number disconnected yesterday, taken by Asha today, stays hers, and
     * the preview says who keeps it (552); disconnected today, she had it by then, and it is cut.
     */
    @Test
    void aSupportAgent_withADayOfDisconnection_seesWhoKeepsTheNumberAndWhy_andCutsOnlyAnOldOwner() throws Exception {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        browser.get(server.baseUrl() + "/console");
        signIn(client.passcode());
        visible("workspace");

        type("disassociate-phone", PHONE);
        type("disassociate-day", today.minusDays(1).toString());
        browser.findElement(By.id("preview-button")).click();
        textAppears("disassociate-error", "The number " + PHONE + " stays with profile " + guid + " (Asha Rao): it"
                + " took the number after " + today.minusDays(1) + ", the day it was disconnected, so it is the"
                + " number's new owner (code 552). Nothing was changed.");
        assertThat(browser.findElement(By.id("preview")).isDisplayed()).as("nothing to confirm").isFalse();
        screenshot("08-kept-by-its-new-owner");
        assertThat(client.get("/1/profile.json?phone=" + PHONE).status()).isEqualTo(200);

        type("disassociate-day", today.toString());
        browser.findElement(By.id("preview-button")).click();
        textAppears("preview-text", "will leave profile " + guid + " (Asha Rao)");
        visible("confirm-button").click();
        textAppears("disassociate-result", PHONE + " was disassociated.");
        assertThat(client.get("/1/profile.json?phone=" + PHONE).status()).isEqualTo(404);
    }

    /**
     * Scoped passcodes in the console: each is named in the header, one that may not disassociate is not offered the
     * form, and the history names who cut a number, the console's request opening its audit entry.
     */
    @Test
    void theConsole_namesThePasscode_hidesWhatItsScopesForbid_andSaysWhoCutANumber() throws Exception {
        TestServer.Client viewer = server.withPasscode(client, new NewPasscode(Optional.of("viewer"),
                Set.of(Scope.READ), Optional.empty()));
        TestServer.Client support = server.withPasscode(client, new NewPasscode(Optional.of("support"),
                Set.of(Scope.READ, Scope.DISASSOCIATE, Scope.AUDIT), Optional.empty()));
        browser.get(server.baseUrl() + "/console");
        signIn(viewer.passcode());
        textAppears("passcode-name", "viewer");
        assertThat(browser.findElement(By.id("disassociate-section")).isDisplayed())
                .as("a passcode without the disassociate scope is not offered the form").isFalse();
        screenshot("09-read-only-passcode");
        browser.findElement(By.id("sign-out")).click();

        signIn(support.passcode());
        textAppears("passcode-name", "support");
        visible("disassociate-section");
        type("disassociate-phone", PHONE);
        browser.findElement(By.id("preview-button")).click();
        visible("confirm-button").click();
        textAppears("disassociate-result", PHONE + " was disassociated.");
        assertThat(rows("history-table")).singleElement().satisfies(row -> assertThat(row)
                .contains("disassociated").contains("console:support"));
        browser.findElement(By.cssSelector("#history-table button.link")).click();
        textAppears("audit-entry", "POST /1/disassociate by console:support");
        screenshot("10-who-cut-the-number");
        String requestId = browser.findElement(By.cssSelector("#history-table button.link")).getText();
        assertThat(client.get("/1/identity/history.json?phone=" + PHONE).json().path("history").path(0)
                .path("endRequestId").asText()).isEqualTo(requestId);
    }
}
