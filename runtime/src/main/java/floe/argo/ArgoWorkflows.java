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
        String name = file.getFileName().toString();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new SpecException(file + ": no such file");
        } catch (IOException e) {
            throw new SpecException(file + ": cannot be read: " + e.getMessage());
        }
        SpecLocations locations;
        try {
            locations = SpecLocations.of(name, text);
        } catch (JsonProcessingException e) {
            throw new SpecException(describe(name, null, e));
        } catch (IOException e) {
            throw new SpecException(name + ": " + e.getMessage());
        }
        ArgoSpec.Workflow spec;
        try {
            spec = YAML.readValue(text, ArgoSpec.Workflow.class);
        } catch (JsonProcessingException e) {
            throw new SpecException(describe(name, locations, e));
        }
        if (spec == null) {
            throw new SpecException(name + ": empty");
        }
        try {
            return new ArgoConverter(spec, options).convert();
        } catch (ArgoConverter.ArgoError e) {
            throw new SpecException(locations.at(e.path) + ": " + e.detail);
        } catch (SpecException e) {
            throw located(locations, e);
        } catch (IOException e) {
            throw new SpecException(name + ": " + e.getMessage());
        }
    }

    /** An error from templating starts with the spec path it is about: put the line in front. */
    private static SpecException located(SpecLocations locations, SpecException e) {
        String message = e.getMessage();
        int colon = message.indexOf(": ");
        if (colon > 0 && message.startsWith("spec.")) {
            return new SpecException(locations.at(message.substring(0, colon)) + message.substring(colon));
        }
        return new SpecException(locations.file() + ": " + message);
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
