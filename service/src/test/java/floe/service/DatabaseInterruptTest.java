package floe.service;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A thread interrupted while it writes (a run being stopped as it records how it ended) costs at
 * most its own transaction: the embedded database stays open for every other caller.
 */
class DatabaseInterruptTest {
    @TempDir
    Path dir;

    @Test
    void interruptsDuringWritesLeaveTheDatabaseOpen() throws Exception {
        try (Database db = Database.open(Database.embeddedUrl(dir.toFile()), null, null)) {
            db.inTransaction(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE marks (n INT PRIMARY KEY, pad VARCHAR(4000))");
                }
                return null;
            });
            AtomicInteger written = new AtomicInteger();
            Thread writer = new Thread(() -> {
                for (int n = 0; n < 2_000; n++) {
                    int row = n;
                    try {
                        db.inTransaction(c -> {
                            try (PreparedStatement p = c.prepareStatement("INSERT INTO marks VALUES (?, ?)")) {
                                p.setInt(1, row);
                                p.setString(2, "x".repeat(4000));
                                p.executeUpdate();
                            }
                            return null;
                        });
                        written.incrementAndGet();
                    } catch (RuntimeException e) {
                        // this transaction may fail: the interrupt was meant for this thread
                    }
                    Thread.interrupted();
                }
            }, "interrupted-writer");
            writer.start();
            while (writer.isAlive()) {
                writer.interrupt();
                Thread.sleep(0, 200_000);
            }

            int rows = db.inTransaction(c -> {
                try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT COUNT(*) FROM marks")) {
                    r.next();
                    return r.getInt(1);
                }
            });
            assertThat(rows).as("the database still answers, with every write that succeeded").isEqualTo(written.get()).isPositive();
        }
    }
}
