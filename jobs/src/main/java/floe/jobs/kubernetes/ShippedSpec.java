package floe.jobs.kubernetes;

import floe.FloeException;
import floe.SpecException;
import floe.argo.ArgoOptions;
import floe.argo.ArgoWorkflows;
import floe.batch.BatchJobs;
import floe.model.Workflow;
import floe.spec.LocalImages;

import com.fasterxml.jackson.databind.ObjectMapper;

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
 * A workflow file as it travels to a cluster: its text (an Argo workflow with its
 * WorkflowTemplates, or every {@code .json} of a Batch directory) and how it meets the machines
 * it runs on there (volume directories, parameters, image directories). It goes as one program
 * argument, so the JobManager never reads the client's disk; file names travel too, so messages
 * name the same files.
 *
 * <pre>{@code
 * ShippedSpec spec = ShippedSpec.argo(Path.of("process-data.yaml"), List.of(), Map.of("workdir", "/mnt/vol"),
 *         Map.of(), Map.of(), "/opt/floe/process-data");
 * String arg = spec.encode();                       // on the client
 * Workflow wf = ShippedSpec.decode(arg).workflow(List.of("*"));   // in the cluster
 * }</pre>
 */
public record ShippedSpec(
        Kind kind,
        String name,
        Map<String, String> files,
        List<String> templates,
        Map<String, String> volumes,
        Map<String, String> parameters,
        Map<String, String> images,
        String imageDir) {

    /** Which front-end reads the files. */
    public enum Kind { ARGO, BATCH }

    private static final ObjectMapper JSON = new ObjectMapper();

    public ShippedSpec {
        files = new LinkedHashMap<>(files);
        templates = List.copyOf(templates);
        volumes = new LinkedHashMap<>(volumes);
        parameters = new LinkedHashMap<>(parameters);
        images = new LinkedHashMap<>(images);
    }

    /**
     * A workflow file as users give it on the command line: an Argo workflow ({@code .yaml},
     * {@code .yml}) with its WorkflowTemplates, or a directory of Batch jobs (which takes neither
     * templates nor {@code -p} parameters).
     */
    public static ShippedSpec of(Path file, List<Path> templates, Map<String, String> volumes,
            Map<String, String> parameters, Map<String, String> images, String imageDir) {
        if (Files.isDirectory(file)) {
            if (!templates.isEmpty()) {
                throw new SpecException(templates.get(0) + ": WorkflowTemplates go with Argo workflows, not Batch jobs");
            }
            if (!parameters.isEmpty()) {
                throw new SpecException("-p: Batch jobs take parameters in their files (parameters, Ref::NAME), not on the command line");
            }
            return batch(file, volumes, images, imageDir);
        }
        String name = file.getFileName().toString();
        if (!name.endsWith(".yaml") && !name.endsWith(".yml")) {
            throw new SpecException(file + ": not an Argo workflow file (.yaml, .yml) or a directory of Batch jobs");
        }
        return argo(file, templates, volumes, parameters, images, imageDir);
    }

    /** An Argo workflow file and the WorkflowTemplates its steps use. */
    public static ShippedSpec argo(Path file, List<Path> templates, Map<String, String> volumes,
            Map<String, String> parameters, Map<String, String> images, String imageDir) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put(file.getFileName().toString(), read(file));
        List<String> names = new ArrayList<>();
        for (Path t : templates) {
            String name = t.getFileName().toString();
            if (files.containsKey(name)) {
                throw new SpecException(t + ": two files named '" + name + "': a workflow and its templates need distinct names");
            }
            files.put(name, read(t));
            names.add(name);
        }
        return new ShippedSpec(Kind.ARGO, file.getFileName().toString(), files, names, volumes, parameters, images, imageDir);
    }

    /** Every {@code .json} file of a Batch directory (job definitions and job submissions). */
    public static ShippedSpec batch(Path dir, Map<String, String> volumes, Map<String, String> images, String imageDir) {
        Map<String, String> files = new LinkedHashMap<>();
        try (Stream<Path> listed = Files.list(dir)) {
            for (Path f : listed.filter(p -> p.getFileName().toString().endsWith(".json"))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList()) {
                files.put(f.getFileName().toString(), read(f));
            }
        } catch (IOException e) {
            throw new SpecException(dir + ": cannot be listed: " + e.getMessage());
        }
        if (files.isEmpty()) {
            throw new SpecException(dir + ": no .json files (job definitions and job submissions)");
        }
        return new ShippedSpec(Kind.BATCH, dir.toAbsolutePath().normalize().getFileName().toString(), files, List.of(),
                volumes, Map.of(), images, imageDir);
    }

    /** The workflow, read by its front-end; {@code allowedImages} as {@code floe.local.allowed-images}. */
    public Workflow workflow(List<String> allowedImages) {
        return load(allowedImages).workflow();
    }

    /**
     * The workflow and the notices about its fields that have no effect here (an Argo workflow's;
     * Batch files have none), for callers that print them.
     */
    public ArgoWorkflows.Loaded load(List<String> allowedImages) {
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
            LocalImages local = LocalImages.of(allowedImages, images, imageDir);
            if (kind == Kind.BATCH) {
                return new ArgoWorkflows.Loaded(BatchJobs.fromDirectory(home, volumes, local), List.of(), List.of());
            }
            return ArgoWorkflows.load(home.resolve(name), templates.stream().map(home::resolve).toList(),
                    new ArgoOptions(volumes, parameters, local));
        } catch (IOException e) {
            throw new FloeException("cannot write the workflow's files to " + dir + ": " + e.getMessage(), e);
        } finally {
            deleteTree(dir);
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

    private static void deleteTree(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A leftover temporary directory is harmless.
        }
    }
}
