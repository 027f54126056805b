package floe.jobs.spec;

import floe.FloeException;
import floe.SpecException;
import floe.argo.ArgoWorkflows;
import floe.model.Workflow;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.flink.configuration.Configuration;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A workflow as it travels to where it runs ({@code floe submit} to a session cluster or to
 * Kubernetes): the text of its files (an Argo workflow with the WorkflowTemplates it uses, or
 * every {@code .json} of a Batch directory) and how it meets the machines there ({@link
 * SpecOptions}: paths only, never a secret's value). It goes as one program argument, so the
 * JobManager never reads the client's disk; the far side writes the files to a scratch directory
 * under their own names, so messages name the user's files, and loads them with {@link SpecLoader}
 * as {@code floe run} would.
 *
 * <pre>{@code
 * ShippedSpec spec = ShippedSpec.of(Path.of("process-data.yaml"), List.of(),
 *         SpecOptions.none().withImageDir("/opt/floe/process-data"));
 * String arg = spec.encode();                                       // on the client
 * Workflow wf = ShippedSpec.decode(arg).workflow(new Configuration());   // in the cluster
 * }</pre>
 */
public record ShippedSpec(Kind kind, String name, Map<String, String> files, List<String> templates, SpecOptions options) {

    /** Which front-end reads the files. */
    public enum Kind { ARGO, BATCH }

    private static final ObjectMapper JSON = new ObjectMapper();

    public ShippedSpec {
        files = new LinkedHashMap<>(files);
        templates = List.copyOf(templates);
        if (options.imageDir() == null) {
            // The default, the workflow file's directory, is not a directory where the workflow runs.
            throw new IllegalArgumentException("a shipped workflow needs its image directory");
        }
    }

    /**
     * The files of a workflow as the client found them: an Argo workflow and the WorkflowTemplate
     * files it uses ({@link ArgoWorkflows.Loaded#templates()}), or a directory of Batch jobs; the
     * options' paths are those of the machines it runs on, and its image directory is set.
     */
    public static ShippedSpec of(Path file, List<Path> templates, SpecOptions options) {
        if (Files.isDirectory(file)) {
            Map<String, String> files = new LinkedHashMap<>();
            try (Stream<Path> listed = Files.list(file)) {
                for (Path f : listed.filter(p -> p.getFileName().toString().endsWith(".json"))
                        .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList()) {
                    files.put(f.getFileName().toString(), read(f));
                }
            } catch (IOException e) {
                throw new SpecException(file + ": cannot be listed: " + e.getMessage());
            }
            if (files.isEmpty()) {
                throw new SpecException(file + ": no .json files (job definitions and job submissions)");
            }
            return new ShippedSpec(Kind.BATCH, file.toAbsolutePath().normalize().getFileName().toString(), files, List.of(), options);
        }
        String name = file.getFileName().toString();
        Map<String, String> files = new LinkedHashMap<>();
        files.put(name, read(file));
        List<String> names = new ArrayList<>();
        for (Path t : templates) {
            String template = t.getFileName().toString();
            if (files.containsKey(template)) {
                throw new SpecException(t + ": two files named '" + template + "': a workflow and its templates need distinct names");
            }
            files.put(template, read(t));
            names.add(template);
        }
        return new ShippedSpec(Kind.ARGO, name, files, names, options);
    }

    /** The workflow, read by its front-end with the Floe settings of {@code conf} (those of where it runs). */
    public Workflow workflow(Configuration conf) {
        return load(conf).workflow();
    }

    /** The workflow and the notices about its fields that have no effect here, for callers that print them. */
    public ArgoWorkflows.Loaded load(Configuration conf) {
        Path dir;
        try {
            dir = Files.createTempDirectory("floe-spec");
        } catch (IOException e) {
            throw new FloeException("cannot make a directory for the workflow's files: " + e.getMessage(), e);
        }
        try {
            Path home = kind == Kind.BATCH ? Files.createDirectory(dir.resolve(safeName(name))) : dir;
            for (Map.Entry<String, String> f : files.entrySet()) {
                Files.writeString(home.resolve(safeName(f.getKey())), f.getValue());
            }
            Path file = kind == Kind.BATCH ? home : home.resolve(safeName(name));
            return SpecLoader.load(file, templates.stream().map(home::resolve).toList(), options, conf, SpecLoader.Mode.ELSEWHERE);
        } catch (IOException e) {
            throw new FloeException("cannot write the workflow's files to " + dir + ": " + e.getMessage(), e);
        } finally {
            org.apache.flink.util.FileUtils.deleteDirectoryQuietly(dir.toFile()); // a leftover temporary directory is harmless
        }
    }

    /** One argument: gzip'd JSON in URL-safe Base64 (no spaces, quotes or separators to escape). */
    public String encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            JSON.writeValue(gzip, this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.toByteArray());
    }

    public static ShippedSpec decode(String encoded) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(Base64.getUrlDecoder().decode(encoded)))) {
            return JSON.readValue(in, ShippedSpec.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new SpecException("the shipped workflow cannot be read (was it cut short?): " + e.getMessage());
        }
    }

    private static String safeName(String name) {
        if (name.contains("/") || name.contains("\\") || name.startsWith(".")) {
            throw new SpecException("shipped file name '" + name + "' is not a plain file name");
        }
        return name;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SpecException(file + ": cannot be read: " + e.getMessage());
        }
    }
}
