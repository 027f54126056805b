package floe.service.argo;

import floe.run.FloeOptions;
import floe.service.BatchService;

import io.undertow.server.HttpHandler;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;

import java.nio.file.Path;
import java.util.Map;

/**
 * Argo Server's API beside the Batch API, in the same process, port and database: workflows
 * submitted through it are loaded by the Argo front-end as {@code floe run} loads a file and run as
 * Flink jobs on the server's Flink; WorkflowTemplates, ClusterWorkflowTemplates and CronWorkflows
 * are stored, CronWorkflows run on their schedules. A restart loses nothing: ended workflows stay
 * listed, those that had not ended run again from the start.
 *
 * <pre>{@code
 * BatchService server = BatchService.start(conf, volumes, accessKey, secretKey,
 *         shared -> ArgoServer.start(shared, volumes, "ns1,ns2:TOKEN"));
 * }</pre>
 */
public final class ArgoServer implements BatchService.Mount {
    /** The path prefix Argo's API is served under. */
    public static final String PREFIX = "/api/v1";

    public static final ConfigOption<String> TOKENS = ConfigOptions.key("floe.server.tokens").stringType().noDefaultValue()
            .withDescription("Bearer tokens of the Argo API and the namespaces each may use: NAMESPACES:TOKEN entries separated by"
                    + " white space, NAMESPACES comma-separated or * for all. The environment's FLOE_SERVER_TOKENS comes first.");
    public static final ConfigOption<Integer> MAX_RUNNING = ConfigOptions.key("floe.server.max-running-workflows").intType()
            .defaultValue(4).withDescription("Argo workflows running at a time (each one Flink job); the others wait, Pending.");
    public static final ConfigOption<Integer> MAX_BODY = ConfigOptions.key("floe.server.max-body-bytes").intType()
            .defaultValue(2 * 1024 * 1024).withDescription("The largest request body the Argo API takes (larger: 400).");
    public static final ConfigOption<Long> CRON_TICK = ConfigOptions.key("floe.server.cron-tick-ms").longType()
            .defaultValue(1000L).withDescription("How often CronWorkflows' schedules are looked at, in milliseconds.");

    private final ArgoApi api;
    private final ArgoRuns runs;
    private final ArgoCron cron;
    private final int tokens;

    private ArgoServer(ArgoApi api, ArgoRuns runs, ArgoCron cron, int tokens) {
        this.api = api;
        this.runs = runs;
        this.cron = cron;
        this.tokens = tokens;
    }

    /**
     * Starts the Argo side on what the Batch service shares: takes up the workflows left
     * unfinished, starts the CronWorkflows' schedules. {@code tokens}: as {@link #TOKENS}.
     */
    public static ArgoServer start(BatchService.Shared shared, Map<String, String> volumes, String imageDir, String tokens) {
        Configuration conf = shared.conf();
        ArgoTokens parsed = ArgoTokens.parse(tokens, "FLOE_SERVER_TOKENS / " + TOKENS.key());
        if (parsed.isEmpty()) {
            throw new floe.SpecException("the Argo API needs bearer tokens: set FLOE_SERVER_TOKENS (or " + TOKENS.key()
                    + ") to NAMESPACES:TOKEN entries, e.g. 'argo,default:" + "$(openssl rand -hex 16)'");
        }
        Path root = shared.dataDir().toPath().toAbsolutePath().resolve("argo");
        ArgoStore store = new ArgoStore(shared.db());
        ArgoLoader loader = new ArgoLoader(conf, volumes, imageDir);
        ArgoEvents events = new ArgoEvents();
        ArgoObjects objects = new ArgoObjects(store, root.resolve("templates"), shared.clock());
        Path logRoot = Path.of(conf.get(FloeOptions.TASK_LOG_DIR)).toAbsolutePath();
        ArgoRuns runs = new ArgoRuns(store, loader, shared.engine(), root.resolve("workflows"), logRoot, conf.get(MAX_RUNNING),
                shared.clock(), events, objects::templateFiles).withJournal(conf.getOptional(FloeOptions.RESUME_FROM).orElse(null));
        ArgoApi api = new ArgoApi(store, runs, events, loader, parsed, root.resolve("workflows"), conf.get(MAX_BODY), shared.clock(), objects,
                new ArgoSuspend(runs), new BatchPagesApi(shared.batch()));
        ArgoCron cron = new ArgoCron(objects, api, store, runs, shared.clock(), conf.get(CRON_TICK));
        runs.recover();
        cron.start();
        return new ArgoServer(api, runs, cron, parsed.size());
    }

    @Override
    public Map<String, HttpHandler> handlers() {
        Map<String, HttpHandler> all = new java.util.HashMap<>(ArgoUi.handlers());
        all.put(PREFIX, api);
        return all;
    }

    @Override
    public String describe() {
        return "floe server: serving the Argo Server API under " + PREFIX + " (" + tokens + " token(s)) and the web UI at /";
    }

    @Override
    public void close() {
        api.close();
        cron.close();
        runs.close();
    }
}
