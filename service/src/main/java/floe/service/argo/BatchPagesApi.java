package floe.service.argo;

import floe.service.ApiException;
import floe.service.BatchConsole;
import floe.service.JobStatus;

import com.fasterxml.jackson.databind.JsonNode;

import io.undertow.server.HttpServerExchange;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Floe's own read-only endpoints under {@code /api/v1/batch/...} that the web UI's Batch pages
 * read with the bearer token of the Argo API (the Batch API itself takes AWS signatures, which a
 * browser page cannot make). Batch has no namespaces: a token allowed every namespace ({@code *})
 * may read them, others get 403.
 *
 * <ul>
 * <li>{@code GET /api/v1/batch/job-queues}: DescribeJobQueues, each queue with {@code jobCounts}</li>
 * <li>{@code GET /api/v1/batch/job-queues/QUEUE/jobs?status=S&nextToken=T}: ListJobs</li>
 * <li>{@code GET /api/v1/batch/jobs/ID?childStatus=S&offset=N&limit=N}: DescribeJobs, dependents, array children</li>
 * <li>{@code GET /api/v1/batch/jobs/ID/log?attempt=N}: an attempt's stdout and stderr</li>
 * </ul>
 */
final class BatchPagesApi {
    private final BatchConsole console;

    BatchPagesApi(BatchConsole console) {
        this.console = console;
    }

    /** {@code p}: the path's parts, {@code api, v1, batch, ...}. */
    void handle(ArgoApi api, HttpServerExchange exchange, String method, List<String> p, Map<String, String> q, Set<String> allowed) {
        if (!allowed.contains("*")) {
            throw new ArgoException(ArgoException.Code.PERMISSION_DENIED, "the Batch pages are for tokens allowed every namespace (*):"
                    + " Batch jobs have no namespace");
        }
        if (!method.equals("GET")) {
            throw new ArgoException(ArgoException.Code.NOT_FOUND, "Not Found");
        }
        try {
            api.send(exchange, answer(p, q));
        } catch (ApiException e) {
            throw new ArgoException(e.status() == 404 ? ArgoException.Code.NOT_FOUND
                    : e.status() < 500 ? ArgoException.Code.INVALID_ARGUMENT : ArgoException.Code.INTERNAL, e.getMessage());
        }
    }

    private JsonNode answer(List<String> p, Map<String, String> q) {
        int n = p.size();
        if (n == 4 && p.get(3).equals("job-queues")) {
            return console.queues();
        }
        if (n == 6 && p.get(3).equals("job-queues") && p.get(5).equals("jobs")) {
            return console.jobs(p.get(4), status(q.getOrDefault("status", "RUNNING")), q.get("nextToken"));
        }
        if (n == 5 && p.get(3).equals("jobs")) {
            String child = q.get("childStatus");
            return console.job(p.get(4), child == null || child.isEmpty() ? null : status(child), number(q, "offset", 0),
                    Math.min(1000, number(q, "limit", 200)));
        }
        if (n == 6 && p.get(3).equals("jobs") && p.get(5).equals("log")) {
            return console.log(p.get(4), number(q, "attempt", 0));
        }
        throw new ArgoException(ArgoException.Code.NOT_FOUND, "Not Found");
    }

    private static String status(String s) {
        try {
            return JobStatus.valueOf(s).name();
        } catch (IllegalArgumentException e) {
            throw ArgoException.invalid("status '" + s + "' is not one of " + List.of(JobStatus.values()));
        }
    }

    private static int number(Map<String, String> q, String key, int otherwise) {
        String v = q.get(key);
        if (v == null || v.isEmpty()) {
            return otherwise;
        }
        try {
            int i = Integer.parseInt(v);
            if (i < 0) {
                throw new NumberFormatException();
            }
            return i;
        } catch (NumberFormatException e) {
            throw ArgoException.invalid(key + ": '" + v + "' is not a number of 0 or more");
        }
    }
}
