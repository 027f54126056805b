package floe.testing;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Debian's chromium, headless, driven through chromium-driver: a fresh profile, nothing fetched
 * from the network on its own (no updates, sync or QUIC). Tests that need it are skipped, saying
 * why, on a machine that has neither (.ci/run installs both where it can). Shared by the run
 * report's tests and the server's web UI tests.
 */
public final class Chromium {
    private static final String[] BROWSERS = {"/usr/bin/chromium", "/usr/bin/chromium-browser"};
    private static final String[] DRIVERS = {"/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"};

    private Chromium() {}

    /** A headless chromium; the test is skipped when the machine has no chromium and chromium-driver. */
    public static ChromeDriver start(Path profile) throws IOException {
        String browser = first(BROWSERS);
        String driver = first(DRIVERS);
        Assumptions.assumeTrue(browser != null && driver != null,
                "no chromium and chromium-driver on this machine (apt-get install chromium chromium-driver; .ci/run does)");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(browser);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-quic", "--disable-dev-shm-usage",
                "--allow-file-access-from-files", "--window-size=1400,1100", "--user-data-dir=" + Files.createDirectories(profile));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(driver)).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    private static String first(String[] paths) {
        for (String p : paths) {
            if (new File(p).canExecute()) {
                return p;
            }
        }
        return null;
    }
}
