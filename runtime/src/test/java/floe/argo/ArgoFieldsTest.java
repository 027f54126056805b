package floe.argo;

import floe.argo.ArgoFields.Disposition;
import floe.argo.ArgoFields.Field;
import floe.argo.ArgoFields.Type;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The catalogue of Argo's fields ({@code argo-fields.txt}) against what it must agree with: Argo's
 * OpenAPI document (the fixture {@link OpenApiFields}), the records of {@link ArgoSpec}, and the
 * table in {@code docs/argo.md} (rewrite it with {@code -Dfloe.golden.update=true}).
 */
class ArgoFieldsTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Path DOCS = Path.of("../docs/argo.md");

    @Test
    void eachCatalogedTypeListsExactlyTheFieldsArgosOpenApiDocumentGivesIt() throws IOException {
        String swagger = System.getProperty("floe.argo.openapi");
        if (swagger != null) {
            OpenApiFields.write(java.util.Arrays.stream(swagger.split(",")).map(Path::of).toList());
        }
        Map<String, Map<String, String>> openApi = OpenApiFields.read();
        List<String> problems = new ArrayList<>();
        for (Type t : ArgoFields.types().values()) {
            Map<String, String> argo = openApi.get(t.openApiName());
            if (argo == null) {
                problems.add(t.openApiName() + ": not a type of Argo's resources");
                continue;
            }
            for (String f : argo.keySet()) {
                if (!t.fields().containsKey(f)) {
                    problems.add(t.name() + "." + f + ": an Argo field the catalogue does not list");
                }
            }
            for (String f : t.fields().keySet()) {
                if (!argo.containsKey(f)) {
                    problems.add(t.name() + "." + f + ": listed, but not a field of Argo's " + t.openApiName());
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void everyTypeTheCatalogueChecksIsReachedFromADocumentThroughReadFields() {
        Set<String> reached = new TreeSet<>();
        Deque<String> todo = new ArrayDeque<>(ArgoFields.KINDS);
        while (!todo.isEmpty()) {
            String t = todo.poll();
            if (reached.add(t)) {
                ArgoFields.types().get(t).fields().values().stream().filter(f -> f.type() != null).forEach(f -> todo.add(f.type()));
            }
        }
        assertThat(reached).isEqualTo(ArgoFields.types().keySet());
        assertThat(ArgoFields.types().values()).allSatisfy(t -> assertThat(t.fields().values())
                .allSatisfy(f -> assertThat(f.type() == null || f.disposition() == Disposition.READ).isTrue()));
    }

    /** Every component of every ArgoSpec record is a READ field, and every READ field a component. */
    @Test
    void theRecordsOfArgoSpecHoldExactlyTheFieldsTheCatalogueReads() {
        Map<Class<?>, Set<String>> typesOf = new LinkedHashMap<>();
        Deque<Map.Entry<Class<?>, String>> todo = new ArrayDeque<>();
        ArgoFields.KINDS.forEach(k -> todo.add(Map.entry(k.equals("CronWorkflow") ? ArgoSpec.CronWorkflow.class : ArgoSpec.Workflow.class, k)));
        while (!todo.isEmpty()) {
            Map.Entry<Class<?>, String> pair = todo.poll();
            if (!typesOf.computeIfAbsent(pair.getKey(), c -> new TreeSet<>()).add(pair.getValue())) {
                continue;
            }
            Map<String, RecordComponent> components = components(pair.getKey());
            for (Field f : ArgoFields.types().get(pair.getValue()).fields().values()) {
                RecordComponent c = components.get(f.name());
                if (f.disposition() == Disposition.READ && f.type() != null && c != null) {
                    Class<?> element = element(c.getGenericType());
                    if (element.isRecord()) {
                        todo.add(Map.entry(element, f.type()));
                    }
                }
            }
        }
        List<String> problems = new ArrayList<>();
        typesOf.forEach((record, types) -> {
            Set<String> read = new TreeSet<>();
            for (String t : types) {
                ArgoFields.types().get(t).fields().values().stream().filter(f -> f.disposition() == Disposition.READ)
                        .forEach(f -> read.add(f.name()));
            }
            Set<String> held = components(record).keySet();
            read.stream().filter(f -> !held.contains(f))
                    .forEach(f -> problems.add(record.getSimpleName() + " has no component for " + types + "." + f + ", which the catalogue reads"));
            held.stream().filter(f -> !read.contains(f))
                    .forEach(f -> problems.add(record.getSimpleName() + "." + f + " is not a READ field of " + types));
        });
        Arrays.stream(ArgoSpec.class.getDeclaredClasses()).filter(Class::isRecord).filter(c -> !typesOf.containsKey(c))
                .forEach(c -> problems.add(c.getSimpleName() + " is bound from no field of the catalogue"));
        assertThat(problems).isEmpty();
    }

    @Test
    void docsArgoMdListsEveryFieldAsTheCatalogueHasIt() throws IOException {
        String doc = Files.readString(DOCS, StandardCharsets.UTF_8);
        String begin = ArgoFieldsDoc.BEGIN;
        String end = ArgoFieldsDoc.END;
        assertThat(doc).contains(begin).contains(end);
        String table = ArgoFieldsDoc.table();
        String now = doc.substring(doc.indexOf(begin), doc.indexOf(end) + end.length());
        if (Boolean.getBoolean("floe.golden.update")) {
            Files.writeString(DOCS, doc.replace(now, table), StandardCharsets.UTF_8);
            now = table;
        }
        assertThat(now).isEqualTo(table);
    }

    @Test
    void aFieldArgoDoesNotHaveIsRefusedNamingTheFieldsItHas() throws IOException {
        ObjectNode doc = (ObjectNode) YAML.readTree("kind: Workflow\nspec: {templates: [{name: a, retryStrategy: {limt: 3}}]}");
        assertThatThrownBy(() -> ArgoFields.screen(doc, "Workflow"))
                .hasMessage("spec.templates[0].retryStrategy.limt: unknown field 'limt' (Argo's RetryStrategy has: affinity, backoff,"
                        + " expression, limit, retryPolicy)");
    }

    @Test
    void aNoticedFieldIsRemovedAndNamedOnce() throws IOException {
        ObjectNode doc = (ObjectNode) YAML.readTree("kind: Workflow\nspec: {podGC: {strategy: OnPodSuccess}, entrypoint: main}");
        assertThat(ArgoFields.screen(doc, "Workflow")).containsExactly(
                new ArgoFields.Notice("spec.podGC", "no effect here: Floe runs no pods to delete: a task is a process"));
        assertThat(doc.toString()).isEqualTo("{\"kind\":\"Workflow\",\"spec\":{\"entrypoint\":\"main\"}}");
    }

    @Test
    void nullsAndArgosDefaultsAskForNothingAndPassQuietly() throws IOException {
        ObjectNode doc = (ObjectNode) YAML.readTree("kind: Workflow\nspec: {suspend: false, podGC: null,"
                + " templates: [{name: a, plugin: ~, failFast: true, container: {tty: false}}]}");
        assertThat(ArgoFields.screen(doc, "Workflow")).isEmpty();
        assertThat(doc.toString()).isEqualTo("{\"kind\":\"Workflow\",\"spec\":{\"suspend\":false,\"templates\":[{\"name\":\"a\",\"container\":{}}]}}");
        ObjectNode fast = (ObjectNode) YAML.readTree("kind: Workflow\nspec: {templates: [{name: a, failFast: false}]}");
        assertThat(ArgoFields.screen(fast, "Workflow")).extracting(ArgoFields.Notice::path).containsExactly("spec.templates[0].failFast");
    }

    @Test
    void eachValueOfAMapOfHooksIsCheckedAsAHook() throws IOException {
        ObjectNode doc = (ObjectNode) YAML.readTree("kind: Workflow\nspec: {templates: [{name: a, steps: [[{name: s,"
                + " hooks: {exit: {template: b}, done: {templat: b}}}]]}]}");
        assertThatThrownBy(() -> ArgoFields.screen(doc, "Workflow"))
                .hasMessage("spec.templates[0].steps[0][0].hooks.done.templat: unknown field 'templat' (Argo's LifecycleHook has:"
                        + " arguments, expression, template, templateRef)");
    }

    @Test
    void freeFormValuesAreNotLookedInto() throws IOException {
        ObjectNode doc = (ObjectNode) YAML.readTree("kind: Workflow\nspec: {templates: [{name: a, steps: [[{name: s,"
                + " withItems: [{sidecars: 1}], continueOn: {failed: true}}]], container: {resources: {requests: {anything: 1}}}}]}");
        assertThat(ArgoFields.screen(doc, "Workflow")).isEmpty();
    }

    @Test
    void onlyArgosWorkflowKindsAreRead() throws IOException {
        ObjectNode doc = (ObjectNode) YAML.readTree("kind: Pod\nspec: {containers: []}");
        assertThatThrownBy(() -> ArgoFields.screen(doc, "Pod"))
                .hasMessage("kind: 'Pod' is not a Workflow, WorkflowTemplate, ClusterWorkflowTemplate or CronWorkflow");
        ObjectNode v2 = (ObjectNode) YAML.readTree("apiVersion: argoproj.io/v2\nkind: Workflow");
        assertThatThrownBy(() -> ArgoFields.screen(v2, "Workflow"))
                .hasMessage("apiVersion: 'argoproj.io/v2' is not argoproj.io/v1alpha1, the version of Argo's resources Floe reads");
    }

    @Test
    void aMistakeInTheCatalogueFailsNamingItsLine() {
        assertThatThrownBy(() -> ArgoFields.parse(List.of("type x.A", "b  READ  Missing")))
                .hasMessage("argo-fields.txt: A.b is read as Missing, which has no 'type' section");
        assertThatThrownBy(() -> ArgoFields.parse(List.of("type x.A", "b  REFUSE  no bar here")))
                .hasMessage("argo-fields.txt:2: a REFUSE field gives 'FEATURE | WHY'");
        assertThatThrownBy(() -> ArgoFields.parse(List.of("type x.A", "b  IGNORE")))
                .hasMessage("argo-fields.txt:2: 'IGNORE' is not READ, NOTICE or REFUSE");
    }

    /** A record's components by the name Jackson binds them from. */
    private static Map<String, RecordComponent> components(Class<?> record) {
        Map<String, RecordComponent> out = new TreeMap<>();
        for (RecordComponent c : record.getRecordComponents()) {
            JsonProperty renamed = c.getAccessor().getAnnotation(JsonProperty.class);
            out.put(renamed != null ? renamed.value() : c.getName(), c);
        }
        return out;
    }

    /** What a list (of lists) holds, or the values of a map; a plain value is itself. */
    private static Class<?> element(java.lang.reflect.Type type) {
        if (type instanceof ParameterizedType p) {
            return p.getRawType() == List.class ? element(p.getActualTypeArguments()[0])
                    : p.getRawType() == Map.class ? element(p.getActualTypeArguments()[1]) : (Class<?>) p.getRawType();
        }
        return type instanceof Class<?> c ? c : Object.class;
    }
}
