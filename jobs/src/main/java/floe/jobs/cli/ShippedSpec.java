package floe.jobs.cli;

import floe.FloeException;
import floe.SpecException;
import floe.model.Workflow;

import org.apache.flink.configuration.Configuration;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A workflow file (and its WorkflowTemplates, or a directory of Batch files) carried inside the
 * arguments of a {@code floe run} that runs elsewhere (in the JobManager, for {@code floe
 * submit}): the client reads the files, the other side never needs them on its disk. Paths the
 * workflow names (volumes, image directories) are made absolute on the client.
 */
final class ShippedSpec {
    private ShippedSpec() {}

    /** The arguments of a {@code run} that loads the same workflow as {@code spec} does here. */
    static List<String> args(SpecFile spec) {
        List<String> args = new ArrayList<>();
        List<String> files = new ArrayList<>();
        args.add(relative(spec.file));
        ship(spec.file, files);
        // The WorkflowTemplates the workflow used, wherever they were found (given, --templates, beside it).
        java.util.Set<String> names = new java.util.HashSet<>();
        for (Path t : spec.templatesUsed.isEmpty() ? spec.templates : spec.templatesUsed) {
            if (java.nio.file.Files.isRegularFile(t) && names.add(relative(t))) {
                args.add(relative(t));
                ship(t, files);
            }
        }
        // After the positional names: --shipped NAME=DATA options for each file.
        List<String> options = new ArrayList<>(List.of("--image-dir", spec.workDir().toString()));
        spec.volumes.forEach((v, d) -> options.addAll(List.of("--volume", v + "=" + Path.of(d).toAbsolutePath().normalize())));
        spec.parameters.forEach((k, v) -> options.addAll(List.of("-p", k + "=" + v)));
        spec.images.forEach((i, d) -> options.addAll(List.of("--image", i + "=" + Path.of(d).toAbsolutePath().normalize())));
        // Where a secret's and a config map's files are (never their values).
        spec.secrets.forEach((n, d) -> options.addAll(List.of("--secret", n + "=" + Path.of(d).toAbsolutePath().normalize())));
        spec.configMaps.forEach((n, d) -> options.addAll(List.of("--config-map", n + "=" + Path.of(d).toAbsolutePath().normalize())));
        options.addAll(files);
        args.addAll(options);
        return args;
    }

    /** Writes the shipped files to a scratch directory, loads the workflow from there, and removes them. */
    static Workflow load(SpecFile spec, Configuration conf) {
        Path dir;
        try {
            dir = Files.createTempDirectory("floe-spec");
        } catch (IOException e) {
            throw new FloeException("cannot unpack the submitted workflow: " + e.getMessage(), e);
        }
        try {
            for (Map.Entry<String, String> f : spec.shipped.entrySet()) {
                Path target = dir.resolve(f.getKey()).normalize();
                if (!target.startsWith(dir)) {
                    throw new SpecException("--shipped " + f.getKey() + ": not a relative file name");
                }
                Files.createDirectories(target.getParent());
                Files.write(target, gunzip(f.getValue()));
            }
            spec.file = dir.resolve(spec.file.toString());
            spec.templates = spec.templates.stream().map(t -> dir.resolve(t.toString())).toList();
            return spec.loadFromDisk(conf);
        } catch (IOException e) {
            throw new FloeException("cannot unpack the submitted workflow: " + e.getMessage(), e);
        } finally {
            delete(dir);
        }
    }

    private static String relative(Path p) {
        return p.toAbsolutePath().normalize().getFileName().toString();
    }

    /** Adds {@code --shipped NAME=DATA} for a file, or for each .json of a Batch directory. */
    private static void ship(Path p, List<String> options) {
        String name = relative(p);
        try {
            if (Files.isDirectory(p)) {
                try (Stream<Path> files = Files.list(p)) {
                    for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList()) {
                        options.addAll(List.of("--shipped", name + "/" + f.getFileName() + "=" + gzip(Files.readAllBytes(f))));
                    }
                }
            } else {
                options.addAll(List.of("--shipped", name + "=" + gzip(Files.readAllBytes(p))));
            }
        } catch (IOException e) {
            throw new SpecException(p + ": cannot read: " + e.getMessage());
        }
    }

    private static String gzip(byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(data);
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    private static byte[] gunzip(String data) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(data)))) {
            return in.readAllBytes();
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a scratch directory left in the temp directory
        }
    }
}
