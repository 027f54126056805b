package floe.service;

import floe.FloeException;
import floe.run.FloeOptions;
import floe.spec.LocalImages;

import org.apache.flink.configuration.Configuration;

import java.io.File;
import java.net.URI;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Floe Batch: a job queue that speaks AWS Batch's REST/JSON API and runs each job as a Flink job
 * through Floe's model and compiler. State lives in a database (an embedded H2 file by default,
 * PostgreSQL with {@code floe.batch.db}); a restart picks up every job where it was.
 *
 * <pre>{@code
 * Configuration conf = new Configuration();
 * conf.set(BatchServiceOptions.PORT, 0);
 * try (BatchService batch = BatchService.start(conf, Map.of("workdir", "/data/vol"), "AKID", "secret")) {
 *     System.out.println(batch.endpoint());   // point the AWS SDK or CLI here
 * }
 * }</pre>
 */
public final class BatchService implements AutoCloseable {
    private final Database db;
    private final FlinkEngine engine;
    private final Dispatcher dispatcher;
    private final HttpFront front;
    private final HttpListener http;
    private final String databaseName;
    private Mount mounted;

    private BatchService(Database db, FlinkEngine engine, Dispatcher dispatcher, HttpFront front, HttpListener http, String databaseName) {
        this.db = db;
        this.engine = engine;
        this.dispatcher = dispatcher;
        this.front = front;
        this.http = http;
        this.databaseName = databaseName;
    }

    /** Opens the database, starts Flink, takes up the jobs left unfinished, then serves the API. */
    public static BatchService start(Configuration conf, Map<String, String> volumes, String accessKeyId, String secretKey) {
        return start(conf, volumes, accessKeyId, secretKey, null);
    }

    /**
     * What another API served beside the Batch API shares with it: the settings, database, Flink
     * and data directory, and the Batch jobs as its web UI shows them.
     */
    public record Shared(Configuration conf, Database db, FlinkEngine engine, File dataDir, LongSupplier clock, BatchConsole batch) {}

    /**
     * Another API served by the same process and port: its handlers by path prefix ({@code "/"}
     * alone: the root page only, the Batch API keeps every other path); closed before Flink and the database.
     */
    public interface Mount extends AutoCloseable {
        Map<String, io.undertow.server.HttpHandler> handlers();

        /** One line for the terminal, or null. */
        String describe();

        @Override
        void close();
    }

    /**
     * As above, with {@code mount} (null: none) started once the Batch jobs are taken up, and
     * served on the same port under its path prefixes.
     */
    public static BatchService start(Configuration conf, Map<String, String> volumes, String accessKeyId, String secretKey,
            java.util.function.Function<Shared, Mount> mount) {
        if (accessKeyId == null || accessKeyId.isEmpty() || secretKey == null || secretKey.isEmpty()) {
            throw new floe.SpecException("the service needs credentials to check requests against:"
                    + " set FLOE_BATCH_ACCESS_KEY_ID and FLOE_BATCH_SECRET_ACCESS_KEY");
        }
        File data = new File(conf.get(BatchServiceOptions.DATA_DIR));
        String url = conf.getOptional(BatchServiceOptions.DB).orElse(null);
        if (url == null) {
            if (!data.isDirectory() && !data.mkdirs()) {
                throw new floe.SpecException(BatchServiceOptions.DATA_DIR.key() + ": cannot create " + data);
            }
            url = Database.embeddedUrl(data);
        }
        Configuration flinkConf = new Configuration(conf);
        if (!conf.contains(FloeOptions.TASK_LOG_DIR)) {
            flinkConf.set(FloeOptions.TASK_LOG_DIR, new File(data, "task-logs").getAbsolutePath());
        }
        if (!conf.contains(FloeOptions.JOURNAL)) {
            // Each task that succeeded is recorded, so a job run again after a crash runs only what had not.
            flinkConf.set(FloeOptions.JOURNAL, new File(data, "journal").getAbsoluteFile().toURI().toString());
        }
        if (!conf.contains(FloeOptions.RESUME_FROM)) {
            flinkConf.set(FloeOptions.RESUME_FROM, flinkConf.get(FloeOptions.JOURNAL));
        }
        if (mount != null && !conf.contains(FloeOptions.TASK_RECORDS)) {
            // floe server: each task's record (phase, times, attempts, exit code) for the run pages of its web UI.
            flinkConf.set(FloeOptions.TASK_RECORDS, true);
        }
        LongSupplier clock = System::currentTimeMillis;
        Database db = Database.open(url, System.getenv("FLOE_BATCH_DB_USER"), System.getenv("FLOE_BATCH_DB_PASSWORD"));
        FlinkEngine engine = null;
        Dispatcher dispatcher = null;
        Mount mounted = null;
        try {
            JobStore store = new JobStore(db);
            CatalogStore catalog = new CatalogStore(db);
            for (String queue : conf.get(BatchServiceOptions.QUEUES)) {
                catalog.createQueue(queue, "ENABLED", 1, clock.getAsLong());
            }
            String flink = conf.get(BatchServiceOptions.FLINK);
            if (flink.equals("embedded")) {
                // Commands run in this JVM: what a killed instance left running goes before its jobs run again.
                java.nio.file.Path commands = new File(data, "commands").toPath();
                try {
                    floe.exec.CommandLeases.killLeftIn(commands);
                    floe.exec.CommandLeases.recordIn(commands);
                } catch (java.io.IOException e) {
                    throw new floe.FloeException(commands + ": cannot keep the running commands' records: " + e.getMessage(), e);
                }
                engine = new EmbeddedEngine(flinkConf);
            } else if (flink.startsWith("http://") || flink.startsWith("https://")) {
                java.util.List<java.nio.file.Path> jars = conf.getOptional(BatchServiceOptions.FLINK_JARS).orElse(java.util.List.of())
                        .stream().map(java.nio.file.Path::of).toList();
                for (java.nio.file.Path jar : jars) {
                    if (!java.nio.file.Files.isRegularFile(jar)) {
                        throw new floe.SpecException(BatchServiceOptions.FLINK_JARS.key() + ": " + jar + ": no such file");
                    }
                }
                engine = new RestEngine(URI.create(flink), flinkConf, jars);
            } else {
                throw new floe.SpecException(BatchServiceOptions.FLINK.key() + ": '" + flink + "' is neither embedded nor http://HOST:PORT");
            }
            LocalImages images = LocalImages.of(conf.get(FloeOptions.LOCAL_ALLOWED_IMAGES), Map.of(),
                    new File(conf.get(BatchServiceOptions.IMAGE_DIR)).getAbsolutePath());
            String secrets = conf.getOptional(BatchServiceOptions.SECRETS_DIR).orElse(null);
            if (secrets != null && !new File(secrets).isDirectory()) {
                throw new floe.SpecException(BatchServiceOptions.SECRETS_DIR.key() + ": " + secrets + " is not a directory");
            }
            JobWorkflows workflows = new JobWorkflows(volumes, images, new java.util.LinkedHashSet<>(conf.get(BatchServiceOptions.COMMAND_ENV)),
                    secrets == null ? null : new File(secrets).getAbsolutePath(), new File(data, "outcomes").toPath().toAbsolutePath(),
                    conf.getOptional(BatchServiceOptions.RUN_AS).orElse(null)).withJournal(flinkConf.get(FloeOptions.JOURNAL));
            dispatcher = new Dispatcher(store, catalog, engine, workflows, conf.get(BatchServiceOptions.MAX_RUNNING_JOBS), clock);
            dispatcher.recover().join();
            BatchApi api = new BatchApi(catalog, new JobsApi(store, catalog, dispatcher, workflows, clock), workflows, clock);
            BatchConsole console = new BatchConsole(api, store, java.nio.file.Path.of(flinkConf.get(FloeOptions.TASK_LOG_DIR)), engine.describe());
            mounted = mount == null ? null : mount.apply(new Shared(flinkConf, db, engine, data, clock, console));
            HttpListener.Settings listener = HttpListener.settings(conf, System.getenv());
            HttpFront front = HttpFront.of(api, accessKeyId, secretKey, listener);
            io.undertow.server.HttpHandler root = front;
            if (mounted != null && !mounted.handlers().isEmpty()) {
                io.undertow.server.handlers.PathHandler paths = new io.undertow.server.handlers.PathHandler(front);
                // "/" alone is an exact path (a page at the root); any other key a prefix.
                mounted.handlers().forEach((path, h) -> {
                    if (path.equals("/")) {
                        paths.addExactPath(path, h);
                    } else {
                        paths.addPrefixPath(path, h);
                    }
                });
                root = paths;
            }
            HttpListener http = HttpListener.start(conf.get(BatchServiceOptions.HOST), conf.get(BatchServiceOptions.PORT), listener, root);
            BatchService service = new BatchService(db, engine, dispatcher, front, http, Database.redact(url));
            service.mounted = mounted;
            return service;
        } catch (RuntimeException e) {
            if (mounted != null) {
                mounted.close();
            }
            if (dispatcher != null) {
                dispatcher.close();
            }
            if (engine != null) {
                engine.close();
            }
            db.close();
            throw e instanceof FloeException ? e : new FloeException("could not start the Batch service: " + e.getMessage(), e);
        }
    }

    public int port() {
        return http.port();
    }

    /** http://HOST:PORT, https with TLS. */
    public URI endpoint() {
        return http.address();
    }

    /** The API as an Undertow handler (call it on an IO thread), to serve beside other handlers. */
    public io.undertow.server.HttpHandler handler() {
        return front;
    }

    /** One line for the terminal: where the API, the database and the Flink are. */
    public String describe() {
        String line = "floe batch: serving the Batch API on " + endpoint() + " (database " + databaseName + ", " + engine.describe() + ")";
        String other = mounted == null ? null : mounted.describe();
        return other == null ? line : line + "\n" + other;
    }

    /** Stops serving; jobs that were running run again at the next start. */
    @Override
    public void close() {
        if (mounted != null) {
            mounted.close(); // first: its open streams end, so the HTTP server's workers can stop
        }
        http.close();
        dispatcher.close();
        engine.close();
        db.close();
    }
}
