package floe.argo;

import floe.SpecException;
import floe.argo.ArgoConverter.ArgoError;
import floe.spec.SpecLocations;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The documents of Argo YAML files: a file may hold several ({@code ---} between them), each a
 * Workflow, WorkflowTemplate, ClusterWorkflowTemplate or CronWorkflow. The {@link Library} is
 * every document given, where {@code templateRef} and {@code workflowTemplateRef} find
 * WorkflowTemplates by name.
 */
final class ArgoDocuments {
    static final Set<String> KINDS = Set.of("Workflow", "WorkflowTemplate", "ClusterWorkflowTemplate", "CronWorkflow");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY);

    private ArgoDocuments() {}

    /**
     * One document of a file: {@code key} is the file's name, with {@code @N} after it when the
     * file has several documents; {@code specPath} is where its workflow spec is
     * ({@code spec}, or {@code spec.workflowSpec} in a CronWorkflow); {@code notices}: its fields
     * that have no effect here ({@link ArgoFields}).
     */
    record Doc(String key, String file, int number, int count, SpecLocations where, ArgoSpec.Workflow spec, String specPath,
            Path path, List<ArgoFields.Notice> notices) {
        String name() {
            return spec.metadata() == null ? null : spec.metadata().name();
        }

        private String shownName() {
            ArgoSpec.Metadata m = spec.metadata();
            return m == null ? null : m.name() != null ? m.name() : m.generateName();
        }

        /** How a message names this document when its file has several. */
        String label() {
            return count == 1 ? "" : " (document " + number + " of " + count + ", " + spec.kind()
                    + (shownName() == null ? "" : " '" + shownName() + "'") + ")";
        }
    }

    /** A template found by name, its spec path, and the templates its own steps name. */
    record Found(ArgoSpec.Template template, String path, Home home) {}

    /** The templates of one document: where a step's {@code template: NAME} is looked up. */
    record Home(String prefix, String describe, List<ArgoSpec.Template> templates) {
        Found find(String name, String where) {
            for (int i = 0; i < templates.size(); i++) {
                if (templates.get(i).name() != null && templates.get(i).name().equals(name)) {
                    return new Found(templates.get(i), prefix + ".templates[" + i + "]", this);
                }
            }
            throw new ArgoError(where, "no template '" + name + "'" + describe + " (known: "
                    + templates.stream().map(ArgoSpec.Template::name).collect(Collectors.joining(", ")) + ")");
        }
    }

    /** Every document given: the workflow's file and the WorkflowTemplates beside it. */
    static final class Library {
        private final Doc main;
        private final List<Doc> docs;
        private final Map<Doc, Home> homes = new LinkedHashMap<>();
        private final List<Path> searched;
        private final java.util.Set<Path> skip;
        private boolean scanned;
        private final java.util.Set<String> notices = new java.util.LinkedHashSet<>();

        /** A field accepted without effect here: one line for the user, at its spec path. */
        void notice(String path, String message) {
            notices.add(path + ": " + message);
        }

        /** The notices of {@code doc}'s fields, which this run reads. */
        void noticesOf(Doc doc) {
            doc.notices().forEach(n -> notice((doc == main ? "" : doc.key() + "#") + n.path(), n.message()));
        }

        /** The notices so far, each {@code SPEC.PATH: MESSAGE}. */
        List<String> notices() {
            return List.copyOf(notices);
        }

        /**
         * @param searched directories whose WorkflowTemplates a {@code templateRef} may name when the
         *     files given have none of that name (read only then); {@code skip}: the files given
         */
        Library(Doc main, List<Doc> docs, List<Path> searched, java.util.Set<Path> skip) {
            this.main = main;
            this.docs = new ArrayList<>(docs);
            this.searched = List.copyOf(searched);
            this.skip = skip;
        }

        /** Reads the WorkflowTemplates of the searched directories, once; a file that is not one is passed over. */
        private void scan() {
            if (scanned) {
                return;
            }
            scanned = true;
            for (Path dir : searched) {
                List<Path> files;
                try (java.util.stream.Stream<Path> list = Files.list(dir)) {
                    files = list.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
                            .filter(f -> !skip.contains(f.toAbsolutePath().normalize())).sorted().toList();
                } catch (IOException e) {
                    continue;
                }
                for (Path f : files) {
                    try {
                        read(f).stream().filter(d -> d.spec().kind().endsWith("WorkflowTemplate")).forEach(docs::add);
                    } catch (SpecException e) {
                        // not a template this workflow can use: only the files given must be valid
                    }
                }
            }
        }

        Doc byKey(String key) {
            return docs.stream().filter(d -> d.key().equals(key)).findFirst().orElse(null);
        }

        /** The templates of {@code doc}; template names must be unique in it. */
        Home home(Doc doc) {
            return homes.computeIfAbsent(doc, d -> {
                String prefix = d == main ? d.specPath() : d.key() + "#" + d.specPath();
                List<ArgoSpec.Template> templates = d.spec().spec() == null || d.spec().spec().templates() == null
                        ? List.of() : d.spec().spec().templates();
                Set<String> seen = new java.util.HashSet<>();
                for (int i = 0; i < templates.size(); i++) {
                    if (templates.get(i).name() == null) {
                        throw new ArgoError(prefix + ".templates[" + i + "]", "give the template a name");
                    }
                    if (!seen.add(templates.get(i).name())) {
                        throw new ArgoError(prefix + ".templates[" + i + "].name", "template '" + templates.get(i).name() + "' defined twice");
                    }
                }
                return new Home(prefix, d == main ? "" : " in " + d.spec().kind() + " '" + d.name() + "'", templates);
            });
        }

        /** The files of the WorkflowTemplates found so far, other than the workflow's own. */
        List<Path> used() {
            return List.copyOf(used);
        }

        private final java.util.Set<Path> used = new java.util.LinkedHashSet<>();

        /** The WorkflowTemplate (or, with {@code cluster}, ClusterWorkflowTemplate) named {@code name}. */
        Doc find(String name, boolean cluster, String where) {
            Doc doc = lookup(name, cluster, where);
            if (!doc.path().toAbsolutePath().normalize().equals(main.path().toAbsolutePath().normalize())) {
                used.add(doc.path());
            }
            return doc;
        }

        private Doc lookup(String name, boolean cluster, String where) {
            String kind = cluster ? "ClusterWorkflowTemplate" : "WorkflowTemplate";
            java.util.Optional<Doc> found = docs.stream().filter(d -> d.spec().kind().equals(kind) && name.equals(d.name())).findFirst();
            if (found.isEmpty()) {
                scan();
                found = docs.stream().filter(d -> d.spec().kind().equals(kind) && name.equals(d.name())).findFirst();
            }
            List<Doc> of = docs.stream().filter(d -> d.spec().kind().equals(kind)).toList();
            found.ifPresent(this::noticesOf);
            return found.orElseThrow(() -> new ArgoError(where, "no " + kind + " '" + name + "' among the files given or in "
                    + searched.stream().map(ArgoDocuments::shown).collect(Collectors.joining(", ")) + " ("
                    + (of.isEmpty() ? "give its file after the workflow's, or --templates DIR"
                    : "found: " + of.stream().map(Doc::name).distinct().sorted().collect(Collectors.joining(", "))) + ")"));
        }
    }

    /** A directory as a message shows it: relative to the working directory when it is below it. */
    static String shown(Path dir) {
        Path here = Path.of("").toAbsolutePath();
        Path abs = dir.toAbsolutePath().normalize();
        return abs.startsWith(here) && !abs.equals(here) ? here.relativize(abs).toString() : abs.toString();
    }

    /** The documents of {@code file}, each bound to Argo's spec; errors name the file, line and column. */
    static List<Doc> read(Path file) {
        String name = file.getFileName().toString();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new SpecException(file + ": no such file");
        } catch (IOException e) {
            throw new SpecException(file + ": cannot be read: " + e.getMessage());
        }
        List<SpecLocations> locations;
        List<JsonNode> trees = new ArrayList<>();
        try {
            locations = SpecLocations.ofDocuments(name, text);
            try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(text)) {
                while (it.hasNextValue()) {
                    trees.add(it.nextValue());
                }
            }
        } catch (JsonProcessingException e) {
            throw new SpecException(describe(name, null, e, ""));
        } catch (IOException e) {
            throw new SpecException(name + ": " + e.getMessage());
        }
        List<Doc> docs = new ArrayList<>();
        int count = (int) trees.stream().filter(t -> t != null && !t.isNull()).count();
        if (count == 0) {
            throw new SpecException(name + ": empty");
        }
        int number = 0;
        for (int i = 0; i < trees.size(); i++) {
            JsonNode tree = trees.get(i);
            if (tree == null || tree.isNull()) {
                continue;
            }
            number++;
            SpecLocations where = i < locations.size() ? locations.get(i) : locations.get(locations.size() - 1);
            String key = count == 1 ? name : name + "@" + number;
            docs.add(bind(key, name, number, count, where, tree, file));
        }
        return docs;
    }

    private static Doc bind(String key, String file, int number, int count, SpecLocations where, JsonNode tree, Path path) {
        String label = count == 1 ? "" : " (document " + number + " of " + count + ")";
        if (!(tree instanceof ObjectNode object)) {
            throw new SpecException(file + ": not a mapping" + label);
        }
        String kind = object.path("kind").asText(null);
        String specPath = "spec";
        try {
            // Every field is checked against Argo's own first: noticed ones leave the tree, refused ones end here.
            List<ArgoFields.Notice> notices = ArgoFields.screen(object, kind);
            if ("CronWorkflow".equals(kind)) {
                specPath = "spec.workflowSpec";
                ArgoSpec.CronWorkflow cron = YAML.treeToValue(object, ArgoSpec.CronWorkflow.class);
                ArgoSpec.WorkflowSpec spec = cron.spec() == null ? null : cron.spec().workflowSpec();
                ArgoSpec.Metadata meta = cron.metadata();
                return new Doc(key, file, number, count, where, new ArgoSpec.Workflow(cron.apiVersion(), kind, meta, spec), specPath,
                        path, notices);
            }
            return new Doc(key, file, number, count, where, YAML.treeToValue(object, ArgoSpec.Workflow.class), specPath, path, notices);
        } catch (ArgoError e) {
            throw new SpecException(where.at(e.path) + ": " + e.detail + label);
        } catch (JsonProcessingException e) {
            throw new SpecException(describe(file, where, e, label));
        }
    }

    static String describe(String file, SpecLocations locations, JsonProcessingException e, String label) {
        String where = e.getLocation() == null || e.getLocation().getLineNr() < 0 ? file
                : file + ":" + e.getLocation().getLineNr() + ":" + e.getLocation().getColumnNr();
        if (e instanceof UnrecognizedPropertyException u && locations != null) {
            return locations.at(SpecLocations.path(u)) + ": unknown field '" + u.getPropertyName() + "' (known: "
                    + u.getKnownPropertyIds().stream().map(String::valueOf).sorted().collect(Collectors.joining(", ")) + ")" + label;
        }
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty() && locations != null) {
            String problem = e.getOriginalMessage().split("\n")[0];
            if (problem.contains("from Array value")) {
                problem = "expected a single value, got a list";
            } else if (problem.contains("from Object value")) {
                problem = "expected a single value, got a mapping";
            }
            return locations.at(SpecLocations.path(m)) + ": " + problem + label;
        }
        // The YAML parser's message: its own lines start in column 1; quoted source lines are indented.
        String problem = java.util.Arrays.stream(e.getOriginalMessage().split("\n"))
                .filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0)))
                .collect(Collectors.joining("; "));
        return where + ": not valid YAML: " + problem + label;
    }
}
