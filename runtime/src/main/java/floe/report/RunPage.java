package floe.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A run's page: one HTML file with its styles, script and the run's state inside
 * ({@link RunStateJson}), so it opens from disk with no server and no network. The same template
 * and script serve a live page: {@link #html(String)} takes any state JSON, and the script's
 * {@code FloeRunPage.render(state)} redraws from a newer one.
 *
 * <pre>{@code
 * RunPage.write(recorder.state(), Path.of("run.html"));
 * }</pre>
 */
public final class RunPage {
    private static final String BASE = "/floe/report/";

    private RunPage() {}

    /** The page of {@code run}. */
    public static String html(RunState run) {
        return html(RunStateJson.of(run));
    }

    /** The page of the run whose state is {@code stateJson}. */
    public static String html(String stateJson) {
        String page = resource("run-page.html");
        // Inside <script>, "</" could end the element early: JSON may spell it "<\/".
        String state = stateJson.replace("</", "<\\/");
        return page.replace("/*FLOE-CSS*/", resource("run-page.css"))
                .replace("/*FLOE-JS*/", resource("run-page.js"))
                .replace("/*FLOE-STATE*/", state);
    }

    /** Writes the page of {@code run} to {@code file}, replacing it. */
    public static void write(RunState run, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Path tmp = parent.resolve("." + file.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, html(run), StandardCharsets.UTF_8);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** A part of the page (the template, its styles or its script), from the classpath. */
    public static String resource(String name) {
        try (InputStream in = RunPage.class.getResourceAsStream(BASE + name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + BASE + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
