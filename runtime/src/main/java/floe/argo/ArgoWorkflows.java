package floe.argo;

import floe.SpecException;
import floe.model.Workflow;
import floe.spec.SpecLocations;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads an Argo Workflow YAML file into a Floe workflow. Every error names the file, line and
 * column, the spec path and the value.
 *
 * <pre>{@code
 * Workflow wf = ArgoWorkflows.fromYaml(Path.of("process-data.yaml"),
 *         new ArgoOptions(Map.of("workdir", "/data/run1"), Map.of(), "conf/examples/process-data"));
 * }</pre>
 */
public final class ArgoWorkflows {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY);

    private ArgoWorkflows() {}

    public static Workflow fromYaml(Path file, ArgoOptions options) {
        return fromYaml(file, List.of(), options);
    }

    /**
     * Reads {@code file} with the WorkflowTemplates in {@code templates}, which its steps may use
     * through {@code templateRef}.
     */
    public static Workflow fromYaml(Path file, List<Path> templates, ArgoOptions options) {
        Map<String, SpecLocations> locations = new LinkedHashMap<>();
        ArgoSpec.Workflow spec = parse(file, locations);
        Map<String, ArgoSpec.Workflow> library = new LinkedHashMap<>();
        for (Path t : templates) {
            ArgoSpec.Workflow template = parse(t, locations);
            if (!"WorkflowTemplate".equals(template.kind()) && !"ClusterWorkflowTemplate".equals(template.kind())) {
                throw new SpecException(locations.get(t.getFileName().toString()).at("kind") + ": '" + template.kind()
                        + "' given after the workflow: only WorkflowTemplates go there");
            }
            library.put(t.getFileName().toString(), template);
        }
        String main = file.getFileName().toString();
        try {
            return new ArgoConverter(spec, options, library).convert();
        } catch (ArgoConverter.ArgoError e) {
            throw located(locations, main, e.path + ": " + e.detail);
        } catch (SpecException e) {
            throw located(locations, main, e.getMessage());
        } catch (IOException e) {
            throw new SpecException(main + ": " + e.getMessage());
        }
    }

    private static ArgoSpec.Workflow parse(Path file, Map<String, SpecLocations> locations) {
        String name = file.getFileName().toString();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new SpecException(file + ": no such file");
        } catch (IOException e) {
            throw new SpecException(file + ": cannot be read: " + e.getMessage());
        }
        SpecLocations where;
        try {
            where = SpecLocations.of(name, text);
        } catch (JsonProcessingException e) {
            throw new SpecException(describe(name, null, e));
        } catch (IOException e) {
            throw new SpecException(name + ": " + e.getMessage());
        }
        locations.put(name, where);
        ArgoSpec.Workflow spec;
        try {
            spec = YAML.readValue(text, ArgoSpec.Workflow.class);
        } catch (JsonProcessingException e) {
            throw new SpecException(describe(name, where, e));
        }
        if (spec == null) {
            throw new SpecException(name + ": empty");
        }
        return spec;
    }

    /**
     * An error message starts with the spec path it is about ({@code spec.templates[1]...}, or
     * {@code FILE#spec...} for a template of another file): put the file, line and column in front.
     */
    private static SpecException located(Map<String, SpecLocations> locations, String main, String message) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(?:([^#: ]+)#)?((?:spec|kind|metadata)[^: ]*): (.*)$").matcher(message);
        if (m.matches()) {
            SpecLocations in = locations.get(m.group(1) == null ? main : m.group(1));
            if (in != null) {
                return new SpecException(in.at(m.group(2)) + ": " + m.group(3));
            }
        }
        return new SpecException(main + ": " + message);
    }

    private static String describe(String file, SpecLocations locations, JsonProcessingException e) {
        String where = e.getLocation() == null ? file : file + ":" + e.getLocation().getLineNr() + ":" + e.getLocation().getColumnNr();
        if (e instanceof UnrecognizedPropertyException u) {
            return locations.at(SpecLocations.path(u)) + ": unknown field '" + u.getPropertyName() + "' (known: "
                    + u.getKnownPropertyIds().stream().map(String::valueOf).sorted().collect(Collectors.joining(", ")) + ")";
        }
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty() && locations != null) {
            String problem = e.getOriginalMessage().split("\n")[0];
            if (problem.contains("from Array value")) {
                problem = "expected a single value, got a list";
            } else if (problem.contains("from Object value")) {
                problem = "expected a single value, got a mapping";
            }
            return locations.at(SpecLocations.path(m)) + ": " + problem;
        }
        // The YAML parser's message: its own lines start in column 1; quoted source lines are indented.
        String problem = java.util.Arrays.stream(e.getOriginalMessage().split("\n"))
                .filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0)))
                .collect(Collectors.joining("; "));
        return where + ": not valid YAML: " + problem;
    }

}
