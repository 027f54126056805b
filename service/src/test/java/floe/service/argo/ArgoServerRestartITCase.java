package floe.service.argo;

import floe.service.BatchService;
import floe.service.BatchServiceOptions;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A server stopped while a workflow runs: at the next start the ended one is still listed and the running one runs again, marked. */
class ArgoServerRestartITCase {
    @TempDir
    Path dir;

    private BatchService start() {
        return start(null);
    }

    private BatchService start(String db) {
        Configuration conf = new Configuration();
        if (db != null) {
            conf.set(BatchServiceOptions.DB, db);
        }
        return TestingArgoServer.start(dir, "*:tok", conf);
    }

    @Test
    void onPostgresqlWorkflowsAndTemplatesOutliveARestart() throws Exception {
        try (floe.service.testutils.TestingPostgres pg = floe.service.testutils.TestingPostgres.start()) {
            String name;
            try (BatchService first = start(pg.jdbcUrl())) {
                ArgoClient argo = new ArgoClient(first.endpoint(), "Bearer tok");
                name = argo.ok("POST", "/api/v1/workflows/argo", Map.of("workflow",
                        ArgoServerITCase.single("pg-", "echo", "on postgres"))).at("/metadata/name").asText();
                argo.stream("/api/v1/workflow-events/argo?listOptions.fieldSelector=metadata.name%3D" + name, false,
                        e -> e.at("/object/status/phase").asText().equals("Succeeded"));
                JsonNode template = ArgoServerITCase.workflow("{'metadata': {'name': 'kept'}, 'spec': {'entrypoint': 'main',"
                        + " 'templates': [{'name': 'main', 'container': {'image': 'busybox', 'command': ['true']}}]}}");
                argo.ok("POST", "/api/v1/workflow-templates/argo", Map.of("template", template));
            }
            try (BatchService second = start(pg.jdbcUrl())) {
                ArgoClient argo = new ArgoClient(second.endpoint(), "Bearer tok");
                JsonNode kept = argo.ok("GET", "/api/v1/workflows/argo/" + name, null);
                assertThat(kept.at("/status/phase").asText()).isEqualTo("Succeeded");
                assertThat(kept.at("/status/nodes/" + name + "/outputs/result").asText()).isEqualTo("on postgres");
                assertThat(argo.ok("GET", "/api/v1/workflow-templates/argo/kept", null).at("/metadata/name").asText()).isEqualTo("kept");
            }
        }
    }

    @Test
    void endedWorkflowsStayAndRunningOnesRunAgain() throws Exception {
        Path runs = dir.resolve("runs.txt");
        String quick;
        String slow;
        try (BatchService first = start()) {
            ArgoClient argo = new ArgoClient(first.endpoint(), "Bearer tok");
            quick = argo.ok("POST", "/api/v1/workflows/argo", Map.of("workflow",
                    ArgoServerITCase.single("quick-", "echo", "done"))).at("/metadata/name").asText();
            argo.stream("/api/v1/workflow-events/argo?listOptions.fieldSelector=metadata.name%3D" + quick, false,
                    e -> e.at("/object/status/phase").asText().equals("Succeeded"));
            slow = argo.ok("POST", "/api/v1/workflows/argo", Map.of("workflow",
                    ArgoServerITCase.single("slow-", "sh", "-c", "echo run >> " + runs + "; sleep 4"))).at("/metadata/name").asText();
            argo.stream("/api/v1/workflow-events/argo?listOptions.fieldSelector=metadata.name%3D" + slow, false,
                    e -> !e.at("/object/status/nodes").isEmpty() && Files.exists(runs));
        }
        try (BatchService second = start()) {
            ArgoClient argo = new ArgoClient(second.endpoint(), "Bearer tok");
            JsonNode kept = argo.ok("GET", "/api/v1/workflows/argo/" + quick, null);
            assertThat(kept.at("/status/phase").asText()).isEqualTo("Succeeded");
            assertThat(kept.at("/status/nodes/" + quick + "/outputs/result").asText()).isEqualTo("done");
            List<JsonNode> events = argo.stream("/api/v1/workflow-events/argo?listOptions.fieldSelector=metadata.name%3D" + slow, false,
                    e -> e.at("/object/status/phase").asText().equals("Succeeded"));
            JsonNode again = events.get(events.size() - 1).get("object");
            assertThat(again.at("/status/phase").asText()).isEqualTo("Succeeded");
            assertThat(again.at("/metadata/annotations/workflows.floe.io~1restarts").asText()).isEqualTo("1");
            assertThat(Files.readAllLines(runs)).containsExactly("run", "run");
            List<String> logs = argo.stream("/api/v1/workflows/argo/" + quick + "/log", false, e -> false).stream()
                    .map(e -> e.get("content").asText()).toList();
            assertThat(logs).containsExactly("done");
        }
    }
}
