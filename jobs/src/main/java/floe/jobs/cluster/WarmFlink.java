package floe.jobs.cluster;

import floe.FloeException;
import floe.SpecException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.flink.configuration.Configuration;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A warm local Flink: the embedded Flink of {@code floe run}, kept running in a background JVM
 * ({@code floe up}) so that later runs on this machine submit to it as to a session cluster and
 * pay neither the JVM's nor Flink's start nor the JIT's warm-up ({@code floe down} stops it).
 *
 * <p>Its directory (mode 0700) holds {@code flink.json} (the REST address and the JVM's pid,
 * written once the REST API answers, removed when the JVM stops), the JVM's output and log, and
 * the REST API's TLS material: the API listens on 127.0.0.1 only and takes only clients that hold
 * the key in this directory (mutual TLS), so other users of the machine cannot submit work that
 * would run as this user.
 *
 * <pre>{@code
 * WarmFlink warm = WarmFlink.in(Path.of("log/warm"));
 * warm.start(Duration.ofSeconds(60));                     // floe up
 * Optional<Configuration> client = warm.client(conf);     // floe run: the settings to reach it, if it runs
 * warm.stop();                                            // floe down
 * }</pre>
 */
public final class WarmFlink {
    static final String MAIN = "floe.jobs.cli.WarmFlinkMain";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RECORD = "flink.json";
    private static final String TLS = "rest-tls.properties";
    private static final String KEYSTORE = "rest.p12";
    private static final String OUT = "warm-flink.out";
    private static final Duration STOP_GRACE = Duration.ofSeconds(15);

    private final Path dir;

    private WarmFlink(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    public static WarmFlink in(Path dir) {
        return new WarmFlink(dir);
    }

    /** {@code warm} under Floe's log directory ({@code floe.log.dir}, else {@code log} under {@code floe.home}). */
    public static WarmFlink ofSystem() {
        String logDir = System.getProperty("floe.log.dir");
        Path base = logDir != null ? Path.of(logDir) : Path.of(System.getProperty("floe.home", "."), "log");
        return in(base.resolve("warm"));
    }

    public Path dir() {
        return dir;
    }

    /** The running warm Flink's REST address and pid, if one runs from this directory. */
    public Optional<Running> running() {
        Path record = dir.resolve(RECORD);
        if (!Files.isRegularFile(record)) {
            return Optional.empty();
        }
        try {
            JsonNode json = JSON.readTree(record.toFile());
            long pid = json.path("pid").asLong();
            // A pid is reused once its process is gone: only the process started when the record says is ours.
            String started = json.path("started").asText();
            Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .filter(p -> p.info().startInstant().map(Object::toString).orElse("").equals(started));
            return process.map(p -> new Running(URI.create(json.path("rest").asText()), p, json.path("slots").asInt()));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** A warm Flink that runs: where its REST API is, its JVM, and its task slots. */
    public record Running(URI rest, ProcessHandle process, int slots) {}

    /**
     * {@code base} plus what reaching the running warm Flink takes (its client TLS settings), if
     * one runs; empty otherwise.
     */
    public Optional<Configuration> client(Configuration base) {
        return running().map(r -> {
            Configuration conf = new Configuration(base);
            tlsSettings().forEach(conf::setString);
            return conf;
        });
    }

    /**
     * Starts the warm Flink in a background JVM with this JVM's options and classpath, and waits
     * until its REST API answers; returns at once with the running one if there is one.
     */
    public Running start(Duration timeout) {
        Optional<Running> already = running();
        if (already.isPresent()) {
            return already.get();
        }
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            Files.deleteIfExists(dir.resolve(RECORD));
            writeTlsMaterial();
        } catch (IOException e) {
            throw new FloeException("cannot prepare " + dir + " for the warm Flink: " + e.getMessage(), e);
        }
        Process process;
        try {
            ProcessBuilder builder = new ProcessBuilder(command())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(dir.resolve(OUT).toFile()));
            process = builder.start();
        } catch (IOException e) {
            throw new FloeException("could not start the warm Flink's JVM: " + e.getMessage(), e);
        }
        long until = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < until) {
            Optional<Running> up = running();
            if (up.isPresent()) {
                return up.get();
            }
            if (!process.isAlive()) {
                throw new FloeException("the warm Flink's JVM stopped (exit " + process.exitValue() + ") before its REST API answered:\n"
                        + tail(40));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                process.destroy();
                Thread.currentThread().interrupt();
                throw new FloeException("interrupted while starting the warm Flink", e);
            }
        }
        process.destroyForcibly();
        throw new FloeException("the warm Flink did not answer within " + timeout.toSeconds() + " s:\n" + tail(40));
    }

    /** Stops the warm Flink (SIGTERM: running jobs are cancelled; SIGKILL after a grace); false if none ran. */
    public boolean stop() {
        Optional<Running> running = running();
        running.ifPresent(r -> {
            r.process().destroy();
            try {
                r.process().onExit().get(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                r.process().destroyForcibly();
                r.process().onExit().join();
            }
        });
        try {
            Files.deleteIfExists(dir.resolve(RECORD));
        } catch (IOException ignored) {
            // a record whose process is gone is recognised as stale by running()
        }
        return running.isPresent();
    }

    /** Written by the warm Flink's JVM once its REST API answers. */
    public static void writeRecord(Path dir, URI rest, int slots) throws IOException {
        var json = JSON.createObjectNode();
        json.put("rest", rest.toString());
        json.put("pid", ProcessHandle.current().pid());
        json.put("started", ProcessHandle.current().info().startInstant().map(Object::toString).orElse(""));
        json.put("slots", slots);
        Path tmp = Files.createTempFile(dir, RECORD, ".tmp");
        Files.writeString(tmp, json.toPrettyString());
        Files.move(tmp, dir.resolve(RECORD), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    public static void removeRecord(Path dir) {
        try {
            Files.deleteIfExists(dir.resolve(RECORD));
        } catch (IOException ignored) {
            // stale records are recognised by their pid
        }
    }

    /** The REST API's TLS settings, for the server and its clients alike (one key pair, trusted by both). */
    public Map<String, String> tlsSettings() {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(dir.resolve(TLS))) {
            p.load(in);
        } catch (IOException e) {
            throw new SpecException(dir.resolve(TLS) + ": cannot read the warm Flink's TLS settings (floe down; floe up): " + e.getMessage());
        }
        Map<String, String> settings = new java.util.LinkedHashMap<>();
        p.stringPropertyNames().forEach(k -> settings.put(k, p.getProperty(k)));
        return settings;
    }

    /** A new key pair and the settings naming it: the password only in files of mode 0600, never on a command line. */
    private void writeTlsMaterial() throws IOException {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String password = HexFormat.of().formatHex(random);
        Path keystore = dir.resolve(KEYSTORE);
        Path passwordFile = dir.resolve("rest.password");
        Files.deleteIfExists(keystore);
        writePrivate(passwordFile, password);
        try {
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "floe-warm", "-keyalg", "RSA", "-keysize", "2048",
                    "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-validity", "3650", "-storetype", "PKCS12",
                    "-keystore", keystore.toString(), "-storepass:file", passwordFile.toString(), "-keypass:file", passwordFile.toString())
                    .redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new FloeException("keytool could not make the warm Flink's key pair: " + output.trim());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FloeException("interrupted while making the warm Flink's key pair", e);
        } finally {
            Files.deleteIfExists(passwordFile);
        }
        Files.setPosixFilePermissions(keystore, PosixFilePermissions.fromString("rw-------"));
        Properties p = new Properties();
        p.setProperty("security.ssl.rest.enabled", "true");
        p.setProperty("security.ssl.rest.authentication-enabled", "true");
        for (String store : List.of("keystore", "truststore")) {
            p.setProperty("security.ssl.rest." + store, keystore.toString());
            p.setProperty("security.ssl.rest." + store + "-password", password);
            p.setProperty("security.ssl.rest." + store + "-type", "PKCS12");
        }
        p.setProperty("security.ssl.rest.key-password", password);
        // Flink's default cipher suite needs a static RSA key exchange, which TLS 1.3 clients no longer offer.
        p.setProperty("security.ssl.algorithms", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
        Path tmp = dir.resolve(TLS + ".tmp");
        writePrivate(tmp, "");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            p.store(out, "REST TLS of the warm Flink (floe up); secret: readable by this user only");
        }
        Files.move(tmp, dir.resolve(TLS), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void writePrivate(Path file, String content) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, content);
    }

    /**
     * This JVM's java, options and classpath running the warm Flink's main: never recording a
     * class-sharing archive, and with the JIT's default thresholds, not the later ones {@code
     * bin/floe} gives a JVM that lives for one run.
     */
    static List<String> command(List<String> options, String classPath, Path dir) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        options.stream()
                .filter(a -> !a.startsWith("-XX:ArchiveClassesAtExit") && !a.startsWith("-XX:AOTMode")
                        && !a.startsWith("-XX:AOTConfiguration") && !a.startsWith("-XX:AOTCacheOutput")
                        && !a.startsWith("-XX:Tier4"))
                .forEach(cmd::add);
        // Its log is floe.log in its own directory (the last -D of a key wins), not the commands' one.
        cmd.add("-Dfloe.log.dir=" + dir);
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(MAIN);
        cmd.add(dir.toString());
        return cmd;
    }

    private List<String> command() {
        return command(ManagementFactory.getRuntimeMXBean().getInputArguments(), System.getProperty("java.class.path"), dir);
    }

    private String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(dir.resolve(OUT));
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no output)";
        }
    }
}
