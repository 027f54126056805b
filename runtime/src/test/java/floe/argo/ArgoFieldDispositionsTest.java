package floe.argo;

import floe.SpecException;
import floe.argo.ArgoFields.Disposition;
import floe.argo.ArgoFields.Field;
import floe.argo.ArgoFields.Type;
import floe.spec.LocalImages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Every field of the catalogue, set alone (a value of its JSON kind) in a workflow that loads with
 * no notice, does exactly what the catalogue says: READ loads (or meets the converter's own check of
 * the value, never "unknown field"), NOTICE loads with one notice at its place, REFUSE fails with
 * the feature named at its file, line, column and spec path.
 */
class ArgoFieldDispositionsTest {
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** A workflow with an instance of every catalogued type, which loads with no notice. */
    private static final String WORKFLOW = """
            apiVersion: argoproj.io/v1alpha1
            kind: Workflow
            metadata:
              name: probe
            spec:
              entrypoint: main
              onExit: exit
              arguments:
                parameters:
                  - name: p
                    value: "1"
              volumes:
                - name: data
              templates:
                - name: main
                  steps:
                    - - name: work
                        template: work
                        arguments:
                          parameters:
                            - name: x
                              value: "{{item}}"
                        withSequence:
                          count: "2"
                    - - name: lib
                        templateRef:
                          name: library
                          template: hello
                          clusterScope: true
                        hooks:
                          exit:
                            template: say
                    - - name: wait
                        template: wait
                      - name: call
                        template: call
                - name: work
                  inputs:
                    parameters:
                      - name: x
                    artifacts:
                      - name: in
                        path: /in
                        oss:
                          key: in/data
                      - name: page
                        path: /page
                        http:
                          url: https://example.com/
                          headers:
                            - name: Accept
                              value: text/html
                      - name: source
                        path: /src
                        git:
                          repo: https://github.com/argoproj/argo-workflows.git
                      - name: notes
                        path: /notes
                        raw:
                          data: hello
                      - name: object
                        path: /object
                        s3:
                          bucket: b
                          key: in/object
                          accessKeySecret:
                            name: s3
                            key: id
                          secretKeySecret:
                            name: s3
                            key: secret
                  outputs:
                    parameters:
                      - name: y
                        valueFrom:
                          path: /tmp/y
                    artifacts:
                      - name: out
                        path: /out
                        oss:
                          key: out/data
                        archive:
                          none: {}
                      - name: packed
                        path: /packed
                        archive:
                          tar:
                            compressionLevel: 1
                      - name: zipped
                        path: /zipped
                        archive:
                          zip: {}
                  retryStrategy:
                    limit: "1"
                    backoff:
                      duration: 1s
                  container:
                    image: busybox
                    command: [echo]
                    args: ["{{inputs.parameters.x}}"]
                    env:
                      - name: E
                        value: e
                    volumeMounts:
                      - name: data
                        mountPath: /data
                    resources:
                      requests:
                        cpu: "1"
                  sidecars:
                    - name: helper
                      image: busybox
                      command: [sleep, "1"]
                - name: say
                  memoize:
                    key: k
                    cache:
                      configMap:
                        name: c
                  script:
                    image: busybox
                    command: [sh]
                    source: echo hi
                - name: exit
                  dag:
                    tasks:
                      - name: a
                        template: say
                      - name: b
                        template: record
                - name: web
                  daemon: true
                  container:
                    image: busybox
                    command: [httpd, -f]
                    readinessProbe:
                      httpGet:
                        port: "80"
                        httpHeaders:
                          - name: Accept
                            value: text/html
                - name: ready-file
                  daemon: true
                  container:
                    image: busybox
                    command: [sleep, "600"]
                    readinessProbe:
                      exec:
                        command: [test, -f, /tmp/ready]
                - name: listener
                  daemon: true
                  container:
                    image: busybox
                    command: [nc, -l, -p, "80"]
                    readinessProbe:
                      tcpSocket:
                        port: "80"
                - name: set
                  containerSet:
                    volumeMounts:
                      - name: data
                        mountPath: /data
                    retryStrategy:
                      retries: "1"
                    containers:
                      - name: a
                        image: busybox
                        command: [echo, a]
                      - name: main
                        image: busybox
                        command: [echo, main]
                        dependencies: [a]
                - name: record
                  resource:
                    action: create
                    manifest: |
                      apiVersion: v1
                      kind: ConfigMap
                      metadata:
                        name: done
                - name: wait
                  suspend:
                    duration: "1"
                - name: call
                  http:
                    url: https://example.com/
                    headers:
                      - name: Accept
                        value: text/html
                      - name: Authorization
                        valueFrom:
                          secretKeyRef:
                            name: api
                            key: token
                    bodyFrom:
                      bytes: aGk=
                - name: listing
                  data:
                    source:
                      artifactPaths:
                        name: logs
                        s3:
                          key: logs/
                    transformation:
                      - expression: "filter(data, {# endsWith 'main.log'})"
            """;

    /** The WorkflowTemplate the workflow's second step names, given beside it. */
    private static final String LIBRARY = """
            apiVersion: argoproj.io/v1alpha1
            kind: ClusterWorkflowTemplate
            metadata:
              name: library
            spec:
              artifactRepositoryRef:
                configMap: repositories
                key: default
              synchronization:
                mutexes:
                  - name: library
                semaphores:
                  - configMapKeyRef:
                      name: limits
                      key: library
                  - database:
                      key: library
              templates:
                - name: hello
                  container:
                    image: busybox
                    command: [echo, hi]
            """;

    /**
     * Where each catalogued type has an instance: in the workflow; in the library ({@code library:});
     * or in the workflow made a CronWorkflow ({@code cron:}, the workflow's spec its workflowSpec).
     */
    private static final Map<String, String> INSTANCE = Map.ofEntries(
            Map.entry("Workflow", ""), Map.entry("WorkflowTemplate", ""), Map.entry("ClusterWorkflowTemplate", "library:"),
            Map.entry("CronWorkflow", "cron:"), Map.entry("CronWorkflowSpec", "cron:spec"),
            Map.entry("LifecycleHook", "spec.templates[0].steps[1][0].hooks.exit"),
            Map.entry("ObjectMeta", "metadata"), Map.entry("WorkflowSpec", "spec"), Map.entry("Arguments", "spec.arguments"),
            Map.entry("Parameter", "spec.arguments.parameters[0]"), Map.entry("Volume", "spec.volumes[0]"),
            Map.entry("Template", "spec.templates[1]"), Map.entry("Inputs", "spec.templates[1].inputs"),
            Map.entry("Outputs", "spec.templates[1].outputs"), Map.entry("Artifact", "spec.templates[1].inputs.artifacts[0]"),
            Map.entry("OSSArtifact", "spec.templates[1].inputs.artifacts[0].oss"),
            Map.entry("ArchiveStrategy", "spec.templates[1].outputs.artifacts[0].archive"),
            Map.entry("NoneStrategy", "spec.templates[1].outputs.artifacts[0].archive.none"),
            Map.entry("TarStrategy", "spec.templates[1].outputs.artifacts[1].archive.tar"),
            Map.entry("ZipStrategy", "spec.templates[1].outputs.artifacts[2].archive.zip"),
            Map.entry("HTTPArtifact", "spec.templates[1].inputs.artifacts[1].http"),
            Map.entry("Header", "spec.templates[1].inputs.artifacts[1].http.headers[0]"),
            Map.entry("GitArtifact", "spec.templates[1].inputs.artifacts[2].git"),
            Map.entry("RawArtifact", "spec.templates[1].inputs.artifacts[3].raw"),
            Map.entry("S3Artifact", "spec.templates[1].inputs.artifacts[4].s3"),
            Map.entry("SecretKeySelector", "spec.templates[1].inputs.artifacts[4].s3.accessKeySecret"),
            Map.entry("ArtifactRepositoryRef", "library:spec.artifactRepositoryRef"),
            Map.entry("Synchronization", "library:spec.synchronization"),
            Map.entry("Mutex", "library:spec.synchronization.mutexes[0]"),
            Map.entry("SemaphoreRef", "library:spec.synchronization.semaphores[0]"),
            Map.entry("ConfigMapKeySelector", "library:spec.synchronization.semaphores[0].configMapKeyRef"),
            Map.entry("SyncDatabaseRef", "library:spec.synchronization.semaphores[1].database"),
            Map.entry("Container", "spec.templates[1].container"), Map.entry("ScriptTemplate", "spec.templates[2].script"),
            Map.entry("UserContainer", "spec.templates[1].sidecars[0]"),
            Map.entry("EnvVar", "spec.templates[1].container.env[0]"),
            Map.entry("VolumeMount", "spec.templates[1].container.volumeMounts[0]"),
            Map.entry("ResourceRequirements", "spec.templates[1].container.resources"),
            Map.entry("WorkflowStep", "spec.templates[0].steps[0][0]"), Map.entry("TemplateRef", "spec.templates[0].steps[1][0].templateRef"),
            Map.entry("Sequence", "spec.templates[0].steps[0][0].withSequence"), Map.entry("DAGTemplate", "spec.templates[3].dag"),
            Map.entry("DAGTask", "spec.templates[3].dag.tasks[0]"), Map.entry("RetryStrategy", "spec.templates[1].retryStrategy"),
            Map.entry("Backoff", "spec.templates[1].retryStrategy.backoff"), Map.entry("Memoize", "spec.templates[2].memoize"),
            Map.entry("Probe", "spec.templates[4].container.readinessProbe"),
            Map.entry("HTTPGetAction", "spec.templates[4].container.readinessProbe.httpGet"),
            Map.entry("ProbeHTTPHeader", "spec.templates[4].container.readinessProbe.httpGet.httpHeaders[0]"),
            Map.entry("ExecAction", "spec.templates[5].container.readinessProbe.exec"),
            Map.entry("TCPSocketAction", "spec.templates[6].container.readinessProbe.tcpSocket"),
            Map.entry("ContainerSetTemplate", "spec.templates[7].containerSet"),
            Map.entry("ContainerSetRetryStrategy", "spec.templates[7].containerSet.retryStrategy"),
            Map.entry("ContainerNode", "spec.templates[7].containerSet.containers[1]"),
            Map.entry("ResourceTemplate", "spec.templates[8].resource"),
            Map.entry("SuspendTemplate", "spec.templates[9].suspend"), Map.entry("HTTP", "spec.templates[10].http"),
            Map.entry("HTTPHeader", "spec.templates[10].http.headers[0]"),
            Map.entry("HTTPHeaderSource", "spec.templates[10].http.headers[1].valueFrom"),
            Map.entry("HTTPBodySource", "spec.templates[10].http.bodyFrom"),
            Map.entry("Data", "spec.templates[11].data"), Map.entry("DataSource", "spec.templates[11].data.source"),
            Map.entry("ArtifactPaths", "spec.templates[11].data.source.artifactPaths"),
            Map.entry("TransformationStep", "spec.templates[11].data.transformation[0]"));

    @TempDir
    Path dir;

    @TestFactory
    List<DynamicTest> eachFieldHasExactlyItsDisposition() throws IOException {
        Map<String, Map<String, String>> kinds = OpenApiFields.read();
        assertThat(load(YAML.readTree(WORKFLOW), YAML.readTree(LIBRARY)).notices()).isEmpty();
        assertThat(INSTANCE.keySet()).containsExactlyInAnyOrderElementsOf(ArgoFields.types().keySet());
        List<DynamicTest> tests = new ArrayList<>();
        for (Type t : ArgoFields.types().values()) {
            for (Field f : t.fields().values()) {
                String kind = kinds.get(t.openApiName()).get(f.name());
                tests.add(DynamicTest.dynamicTest(t.name() + "." + f.name() + " " + f.disposition(), () -> check(t, f, kind)));
            }
        }
        return tests;
    }

    private void check(Type t, Field f, String kind) throws IOException {
        ObjectNode workflow = (ObjectNode) YAML.readTree(WORKFLOW);
        JsonNode library = YAML.readTree(LIBRARY);
        String instance = INSTANCE.get(t.name());
        boolean inLibrary = instance.startsWith("library:");
        if (t.name().equals("WorkflowTemplate")) {
            workflow.put("kind", "WorkflowTemplate");
        }
        if (instance.startsWith("cron:")) {
            ObjectNode spec = NODES.objectNode();
            spec.set("workflowSpec", workflow.get("spec"));
            workflow.put("kind", "CronWorkflow").set("spec", spec);
        }
        instance = instance.replaceFirst("^(library|cron):", "");
        ObjectNode at = (ObjectNode) at(inLibrary ? library : workflow, instance);
        String path = instance.isEmpty() ? f.name() : instance + "." + f.name();
        if (f.disposition() != Disposition.READ || !at.has(f.name())) {
            at.set(f.name(), value(f, kind));
        }
        String file = inLibrary ? "library.yaml" : "workflow.yaml";
        switch (f.disposition()) {
            case READ -> {
                try {
                    assertThat(load(workflow, library).notices()).noneMatch(n -> n.contains(": " + path + ": "));
                } catch (SpecException e) {
                    assertThat(e.getMessage()).doesNotContain("unknown field");
                }
            }
            case NOTICE -> {
                List<String> notices = load(workflow, library).notices();
                assertThat(notices).hasSize(1);
                assertLocated(notices.get(0), file, path, f.message());
            }
            case REFUSE -> {
                SpecException e = catchThrowableOfType(() -> load(workflow, library), SpecException.class);
                assertThat(e).as("refused").isNotNull();
                assertLocated(e.getMessage(), file, path, f.message());
            }
        }
    }

    /** {@code FILE:LINE:COL: PATH: MESSAGE}, with the field's name at that line and column. */
    private void assertLocated(String line, String file, String path, String message) throws IOException {
        Matcher m = Pattern.compile("^" + Pattern.quote(file) + ":(\\d+):(\\d+): " + Pattern.quote(path) + ": (.*)$").matcher(line);
        assertThat(m.matches()).as(line).isTrue();
        assertThat(m.group(3)).isEqualTo(message);
        String text = Files.readAllLines(dir.resolve(file), StandardCharsets.UTF_8).get(Integer.parseInt(m.group(1)) - 1);
        String field = path.substring(path.lastIndexOf('.') + 1);
        assertThat(text.substring(Integer.parseInt(m.group(2)) - 1)).as(line).startsWith(field + ":");
    }

    private ArgoWorkflows.Loaded load(JsonNode workflow, JsonNode library) throws IOException {
        Path main = dir.resolve("workflow.yaml");
        Path lib = dir.resolve("library.yaml");
        YAML.writeValue(main.toFile(), workflow);
        YAML.writeValue(lib.toFile(), library);
        return ArgoWorkflows.load(main, List.of(lib), new ArgoOptions(Map.of("data", dir.toString()), Map.of(),
                LocalImages.anyIn(dir.toString()), new ArtifactRepository("bucket", null)).withLocal(Map.of("s3", dir.toString(),
                "api", dir.toString()), Map.of(), null, false).withKubeconfig(Path.of("src/test/resources/argo/kubeconfig.yaml").toString()));
    }

    /** A value of the field's JSON kind that asks for something: not its default; {} or [] where the catalogue looks in. */
    private static JsonNode value(Field f, String kind) {
        return switch (kind) {
            case "boolean" -> NODES.booleanNode(!"true".equals(f.defaultValue()));
            case "integer", "number" -> NODES.numberNode(1);
            case "object" -> f.type() != null ? NODES.objectNode() : NODES.objectNode().put("a", "1");
            case "array" -> f.type() != null ? NODES.arrayNode() : NODES.arrayNode().add("1");
            default -> NODES.textNode("1");
        };
    }

    /** The node at a spec path ({@code spec.templates[1].container}; empty: the document). */
    private static JsonNode at(JsonNode root, String path) {
        JsonNode node = root;
        Matcher m = Pattern.compile("([^.\\[]+)|\\[(\\d+)\\]").matcher(path);
        while (m.find()) {
            node = m.group(1) != null ? node.get(m.group(1)) : node.get(Integer.parseInt(m.group(2)));
        }
        return node;
    }
}
