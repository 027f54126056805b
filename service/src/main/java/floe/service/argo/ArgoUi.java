package floe.service.argo;

import floe.report.RunPage;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The web UI: pages and their scripts from the classpath (nothing from the network), which ask
 * the server's own Argo API for everything they show, with the bearer token the user typed (kept
 * in the browser's sessionStorage, sent as a header, never in a URL). Pages carry no data, so
 * they are served to anyone: {@code /} the workflows, {@code /workflows/NS/NAME} a run's page
 * (the report's page, fed from {@code /api/v1/workflows/NS/NAME/run-state}), {@code /templates}
 * the WorkflowTemplates and CronWorkflows (submit, next times), {@code /batch} the Batch job queues,
 * {@code /batch/queues/QUEUE} a queue's jobs by status, {@code /batch/jobs/ID} a job (fed from
 * {@code /api/v1/batch/...}), {@code /ui/*} the scripts and styles.
 */
final class ArgoUi implements HttpHandler {
    private static final String BASE = "/floe/ui/";
    private static final Map<String, String> TYPES = Map.of("js", "text/javascript", "css", "text/css", "html", "text/html",
            "svg", "image/svg+xml");

    /** The handlers by path: the root page alone, a run's pages and the assets. */
    static Map<String, HttpHandler> handlers() {
        ArgoUi ui = new ArgoUi();
        return Map.of("/", ui, "/workflows", ui, "/templates", ui, "/batch", ui, "/ui", ui);
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        String method = exchange.getRequestMethod().toString();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            send(exchange, 405, "text/plain", "method not allowed");
            return;
        }
        String path = exchange.getRequestPath();
        String[] p = path.substring(1).split("/");
        if (path.equals("/")) {
            send(exchange, 200, "text/html", resource("workflows.html"));
        } else if (path.equals("/templates")) {
            send(exchange, 200, "text/html", resource("templates.html"));
        } else if (p[0].equals("batch") && (p.length == 1 || (p.length == 3 && (p[1].equals("queues") || p[1].equals("jobs"))))) {
            send(exchange, 200, "text/html", resource("batch.html"));
        } else if (p.length == 3 && p[0].equals("workflows")) {
            send(exchange, 200, "text/html", runPage());
        } else if (p.length == 2 && p[0].equals("ui") && p[1].matches("[a-z][a-z0-9-]*\\.(js|css|html|svg)")) {
            String text = resourceOrNull(p[1]);
            if (text == null) {
                send(exchange, 404, "text/plain", "not found");
            } else {
                send(exchange, 200, TYPES.get(p[1].substring(p[1].lastIndexOf('.') + 1)), text);
            }
        } else {
            send(exchange, 404, "text/plain", "not found");
        }
    }

    /** The report's page with no state inside: the UI's script fetches it and draws it with {@code FloeRunPage.render}. */
    private static String runPage() {
        return RunPage.html("null")
                .replace("</head>", "<link rel=\"stylesheet\" href=\"/ui/ui.css\">\n</head>")
                .replace("<body>", "<body class=\"floe-ui run\">\n<nav id=\"ui-bar\"></nav>")
                .replace("</body>", "<script src=\"/ui/ui.js\"></script>\n<script src=\"/ui/run.js\"></script>\n</body>");
    }

    private static void send(HttpServerExchange exchange, int code, String type, String text) {
        exchange.setStatusCode(code);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, type + "; charset=utf-8");
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-cache");
        exchange.getResponseHeaders().put(io.undertow.util.HttpString.tryFromString("X-Content-Type-Options"), "nosniff");
        exchange.getResponseSender().send(text, StandardCharsets.UTF_8);
    }

    private static String resource(String name) {
        String text = resourceOrNull(name);
        if (text == null) {
            throw new IllegalStateException("missing resource " + BASE + name);
        }
        return text;
    }

    private static String resourceOrNull(String name) {
        try (InputStream in = ArgoUi.class.getResourceAsStream(BASE + name)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
