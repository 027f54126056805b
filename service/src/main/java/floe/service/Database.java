package floe.service;

import floe.FloeException;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The service's database: an embedded H2 file by default, PostgreSQL for a durable deployment.
 * The schema is versioned: {@code db/V<n>__*.sql} are applied in order at start, each in its own
 * transaction, and recorded in {@code schema_version}.
 */
public final class Database implements AutoCloseable {
    /** The migrations, in order; add a file and a line here to change the schema. */
    private static final List<String> MIGRATIONS = List.of("V1__jobs.sql", "V2__flink_job_ids.sql", "V3__job_children.sql");

    /** An arbitrary constant: the PostgreSQL advisory lock one service instance holds on its database. */
    private static final long SERVICE_LOCK = 0x466c6f6542617463L;

    private final HikariDataSource pool;
    private Connection lock;

    private Database(HikariDataSource pool) {
        this.pool = pool;
    }

    /**
     * One service per database: a second one would take the first one's running jobs for lost.
     * H2's file lock sees to it for the embedded database; on PostgreSQL a session-level advisory
     * lock, held by a connection of its own for as long as the service runs.
     */
    private void lockForThisService(String url) {
        if (!url.startsWith("jdbc:postgresql:")) {
            return;
        }
        try {
            lock = pool.getDataSource() == null ? java.sql.DriverManager.getConnection(url, pool.getUsername(), pool.getPassword())
                    : pool.getDataSource().getConnection();
            lock.setAutoCommit(true);
            try (PreparedStatement p = lock.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
                p.setLong(1, SERVICE_LOCK);
                try (ResultSet r = p.executeQuery()) {
                    if (r.next() && r.getBoolean(1)) {
                        return;
                    }
                }
            }
            lock.close();
            lock = null;
            throw new FloeException("another Floe Batch service is using the database " + redact(url)
                    + ": one service per database (stop it first)");
        } catch (SQLException e) {
            throw new FloeException("cannot lock the database " + redact(url) + ": " + e.getMessage(), e);
        }
    }

    /**
     * The embedded database's URL in {@code dataDir}. {@code async:}: H2 writes through an
     * asynchronous file channel, which a thread's interrupt does not close (on the default one, a
     * run being stopped while it recorded its end closed the file, and H2 then the whole database
     * for every caller). {@code FILE_LOCK=FS}: the OS lock goes with a killed process;
     * {@code WRITE_DELAY=0}: a commit is written before it returns.
     */
    static String embeddedUrl(java.io.File dataDir) {
        return "jdbc:h2:async:" + new java.io.File(dataDir, "floe-batch").getAbsolutePath() + ";FILE_LOCK=FS;WRITE_DELAY=0";
    }

    /** Opens {@code url} (jdbc:h2:... or jdbc:postgresql://...) and brings its schema up to date. */
    static Database open(String url, String user, String password) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        if (user != null) {
            config.setUsername(user);
        }
        if (password != null) {
            config.setPassword(password);
        }
        config.setMaximumPoolSize(8);
        config.setAutoCommit(false);
        config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        config.setPoolName("floe-batch");
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new FloeException("cannot open the database " + redact(url) + ": " + rootMessage(e), e);
        }
        Database db = new Database(pool);
        try {
            db.lockForThisService(url);
            db.migrate();
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        return db;
    }

    /** Work inside one transaction: committed when {@code work} returns, rolled back if it throws. */
    public <T> T inTransaction(Work<T> work) {
        try (Connection c = pool.getConnection()) {
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new FloeException("database: " + e.getMessage(), e);
        }
    }

    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private void migrate() {
        inTransaction(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INT NOT NULL PRIMARY KEY, applied_at BIGINT NOT NULL)");
            }
            return null;
        });
        int current = inTransaction(c -> {
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
                return r.next() ? r.getInt(1) : 0;
            }
        });
        for (int v = current + 1; v <= MIGRATIONS.size(); v++) {
            int version = v;
            String sql = resource("db/" + MIGRATIONS.get(v - 1));
            inTransaction(c -> {
                try (Statement s = c.createStatement()) {
                    for (String statement : statements(sql)) {
                        s.execute(statement);
                    }
                }
                try (PreparedStatement p = c.prepareStatement("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)")) {
                    p.setInt(1, version);
                    p.setLong(2, System.currentTimeMillis());
                    p.executeUpdate();
                }
                return null;
            });
        }
    }

    /** Statements of a migration: separated by ';' at a line's end; '--' lines are comments. */
    private static List<String> statements(String sql) {
        StringBuilder clean = new StringBuilder();
        for (String line : sql.split("\n")) {
            if (!line.strip().startsWith("--")) {
                clean.append(line).append('\n');
            }
        }
        return java.util.Arrays.stream(clean.toString().split(";\\s*\n")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private static String resource(String name) {
        try (InputStream in = Database.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new FloeException("missing schema migration " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new FloeException("cannot read schema migration " + name, e);
        }
    }

    /** A JDBC URL without what may be a secret (password=...). */
    static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    @Override
    public void close() {
        if (lock != null) {
            try {
                lock.close();
            } catch (SQLException e) {
                // the lock goes with the connection either way
            }
        }
        pool.close();
    }
}
