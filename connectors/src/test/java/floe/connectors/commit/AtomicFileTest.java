package floe.connectors.commit;

import org.apache.flink.core.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;

class AtomicFileTest {
    @TempDir
    File dir;

    private String[] names() {
        String[] names = dir.list();
        java.util.Arrays.sort(names);
        return names;
    }

    @Test
    void nothingUnderTheFinalNameUntilCommit() throws Exception {
        File target = new File(dir, "part-00000.avro");
        try (AtomicFile f = AtomicFile.create(new Path(target.toURI()))) {
            f.stream().write("hello".getBytes(StandardCharsets.UTF_8));
            assertThat(target).doesNotExist();
            assertThat(names()).hasSize(1).allSatisfy(n -> assertThat(AtomicFile.isInProgress(n)).isTrue());
            f.commit();
        }
        assertThat(target).hasContent("hello");
        assertThat(names()).containsExactly("part-00000.avro");
    }

    @Test
    void abandonedWriteLeavesNothing() throws Exception {
        try (AtomicFile f = AtomicFile.create(new Path(new File(dir, "part-00000.avro").toURI()))) {
            f.stream().write(1);
        }
        assertThat(names()).isEmpty();
    }

    @Test
    void commitReplacesAnEarlierCopy() throws Exception {
        File target = new File(dir, "result.avro");
        Files.writeString(target.toPath(), "old");
        try (AtomicFile f = AtomicFile.create(new Path(target.toURI()))) {
            f.stream().write("new".getBytes(StandardCharsets.UTF_8));
            f.commit();
        }
        assertThat(target).hasContent("new");
    }

    /** The pid of a process of this host that has ended. */
    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }

    private static String host() throws Exception {
        String name = System.getenv("HOSTNAME");
        return name == null || name.isBlank() ? java.net.InetAddress.getLocalHost().getHostName() : name;
    }

    @Test
    void onlyExpiredLeftoversAreRemovedByTheNextAttempt() throws Exception {
        // A killed writer of this host, a writer whose lease ran out, and two writers that may still commit.
        Files.writeString(new File(dir, ".part-00003.avro.0b7c~" + deadPid() + "~" + host() + ".inprogress").toPath(), "killed");
        File stale = new File(dir, ".part-00003.avro.1a2b~1~elsewhere.inprogress");
        Files.writeString(stale.toPath(), "stale");
        assertThat(stale.setLastModified(System.currentTimeMillis() - AtomicFile.leaseMillis() - 60_000)).isTrue();
        Files.writeString(new File(dir, ".part-00003.avro.3c4d~1~elsewhere.inprogress").toPath(), "another host's, leased");
        Files.writeString(new File(dir, ".part-00004.avro.1234.inprogress").toPath(), "another task's");
        try (AtomicFile f = AtomicFile.create(new Path(new File(dir, "part-00003.avro").toURI()))) {
            f.commit();
        }
        assertThat(names()).containsExactly(".part-00003.avro.3c4d~1~elsewhere.inprogress", ".part-00004.avro.1234.inprogress",
                "part-00003.avro");
    }

    @Test
    void aLaterWriterLeavesAnEarlierOnesFileAndBothCommitsLeaveOneCompleteFile() throws Exception {
        // The interleaving that lost outputs: A opens, B opens (sweeping A's file before leases),
        // B commits, A commits late (a timed-out attempt that was not waited for).
        File target = new File(dir, "result.avro");
        AtomicFile a = AtomicFile.create(new Path(target.toURI()));
        a.stream().write("from A, complete".getBytes(StandardCharsets.UTF_8));
        AtomicFile b = AtomicFile.create(new Path(target.toURI()));
        b.stream().write("from B, complete".getBytes(StandardCharsets.UTF_8));
        assertThat(names()).hasSize(2);
        b.commit();
        b.close();
        assertThat(target).hasContent("from B, complete");
        a.commit();
        a.close();
        assertThat(target).hasContent("from A, complete");
        assertThat(names()).containsExactly("result.avro");
    }

    @Test
    void aCommitWhoseFileWasSweptFailsAndLeavesTheTarget() throws Exception {
        File target = new File(dir, "result.avro");
        AtomicFile a = AtomicFile.create(new Path(target.toURI()));
        a.stream().write("from A".getBytes(StandardCharsets.UTF_8));
        // A's lease ran out (a partitioned writer) and it was swept; B published the output since.
        for (String n : names()) {
            Files.delete(new File(dir, n).toPath());
        }
        try (AtomicFile b = AtomicFile.create(new Path(target.toURI()))) {
            b.stream().write("from B, the good output".getBytes(StandardCharsets.UTF_8));
            b.commit();
        }
        assertThat(org.assertj.core.api.Assertions.catchThrowable(a::commit)).isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("is gone").hasMessageContaining("result.avro left as it was");
        a.close();
        assertThat(target).hasContent("from B, the good output");
        assertThat(names()).containsExactly("result.avro");
    }

    @Test
    void twoWritersRacingOnThreadsLeaveOneCompleteFile() throws Exception {
        // Both have written everything before either commits; then they commit at the same moment.
        File target = new File(dir, "result.avro");
        byte[] big = new byte[1 << 20];
        java.util.concurrent.CyclicBarrier written = new java.util.concurrent.CyclicBarrier(2);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            java.util.List<java.util.concurrent.Future<?>> writers = new java.util.ArrayList<>();
            for (byte fill : new byte[] {'a', 'b'}) {
                writers.add(pool.submit(() -> {
                    try (AtomicFile f = AtomicFile.create(new Path(target.toURI()))) {
                        byte[] bytes = big.clone();
                        java.util.Arrays.fill(bytes, fill);
                        f.stream().write(bytes);
                        written.await();
                        f.commit();
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> w : writers) {
                w.get();
            }
        } finally {
            pool.shutdownNow();
        }
        byte[] result = Files.readAllBytes(target.toPath());
        assertThat(result).hasSize(1 << 20);
        assertThat(result[0]).isIn((byte) 'a', (byte) 'b');
        byte[] same = new byte[1 << 20];
        java.util.Arrays.fill(same, result[0]);
        assertThat(result).isEqualTo(same);
        assertThat(names()).containsExactly("result.avro");
    }
}
