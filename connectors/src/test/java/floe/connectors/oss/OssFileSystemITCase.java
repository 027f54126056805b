package floe.connectors.oss;

import floe.testutils.oss.OssOperation;
import floe.testutils.oss.TestingOss;
import floe.testutils.oss.TestingOssServer;

import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Flink's OSS file system (flink-oss-fs-hadoop, loaded from the plugins directory) against the
 * testing OSS server: what Floe relies on works through the real client.
 */
class OssFileSystemITCase {
    @TempDir
    static File root;

    static TestingOssServer oss;

    @BeforeAll
    static void start() throws Exception {
        oss = TestingOssServer.start(root.toPath().resolve("oss"), TestingOss.KEY_ID, TestingOss.SECRET, "bucket");
        var conf = TestingOss.settings(oss, TestingOss.KEY_ID, TestingOss.SECRET);
        conf.setString("fs.oss.multipart.upload.size", "102400");
        conf.setString("fs.oss.paging.maximum", "50");
        floe.run.FileSystems.initialize(conf);
    }

    @AfterAll
    static void stop() {
        oss.close();
    }

    @BeforeEach
    void clean() {
        oss.clearFaults();
        oss.resetStats();
    }

    @Test
    void writesReadsAndStatsASmallObject() throws IOException {
        Path p = new Path("oss://bucket/small/hello.txt");
        FileSystem fs = p.getFileSystem();
        try (FSDataOutputStream out = fs.create(p, FileSystem.WriteMode.OVERWRITE)) {
            out.write("hello, oss".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(oss.object("bucket", "small/hello.txt")).asString(StandardCharsets.UTF_8).isEqualTo("hello, oss");
        assertThat(oss.requests(OssOperation.PUT_OBJECT)).isEqualTo(1);
        assertThat(fs.getFileStatus(p).getLen()).isEqualTo(10);
        try (FSDataInputStream in = fs.open(p)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello, oss");
        }
    }

    @Test
    void largeObjectsGoUpInPartsAndReadBackWithSeeks() throws IOException {
        byte[] data = new byte[350_000];
        new Random(7).nextBytes(data);
        Path p = new Path("oss://bucket/big/data.bin");
        FileSystem fs = p.getFileSystem();
        try (FSDataOutputStream out = fs.create(p, FileSystem.WriteMode.OVERWRITE)) {
            for (int off = 0; off < data.length; off += 8192) {
                out.write(data, off, Math.min(8192, data.length - off));
            }
        }
        assertThat(oss.requestCounts()).containsEntry(OssOperation.UPLOAD_PART, 4L);
        assertThat(oss.requests(OssOperation.COMPLETE_MULTIPART_UPLOAD)).isEqualTo(1);
        assertThat(oss.object("bucket", "big/data.bin")).isEqualTo(data);
        assertThat(oss.pendingUploads()).isZero();
        try (FSDataInputStream in = fs.open(p)) {
            in.seek(300_000);
            byte[] tail = in.readNBytes(50_000);
            assertThat(tail).isEqualTo(Arrays.copyOfRange(data, 300_000, 350_000));
            in.seek(10);
            assertThat(in.readNBytes(5)).isEqualTo(Arrays.copyOfRange(data, 10, 15));
        }
        assertThat(oss.requests(OssOperation.GET_OBJECT)).isGreaterThanOrEqualTo(1);
    }

    @Test
    void listsLargePrefixesPageByPage() throws IOException {
        FileSystem fs = new Path("oss://bucket/").getFileSystem();
        for (int i = 0; i < 120; i++) {
            try (FSDataOutputStream out = fs.create(new Path(String.format("oss://bucket/many/part-%05d", i)), FileSystem.WriteMode.OVERWRITE)) {
                out.write(i);
            }
        }
        try (FSDataOutputStream out = fs.create(new Path("oss://bucket/many/sub/x"), FileSystem.WriteMode.OVERWRITE)) {
            out.write(1);
        }
        oss.resetStats();
        FileStatus[] listed = fs.listStatus(new Path("oss://bucket/many"));
        assertThat(listed).hasSize(121);
        assertThat(Arrays.stream(listed).filter(FileStatus::isDir).map(s -> s.getPath().getName())).containsExactly("sub");
        assertThat(oss.requests(OssOperation.LIST_OBJECTS_V2) + oss.requests(OssOperation.LIST_OBJECTS)).isGreaterThanOrEqualTo(3);
    }

    @Test
    void renamesCopyAndDeletesAndDirectoriesGoInBatches() throws IOException {
        FileSystem fs = new Path("oss://bucket/").getFileSystem();
        Path a = new Path("oss://bucket/mv/a");
        try (FSDataOutputStream out = fs.create(a, FileSystem.WriteMode.OVERWRITE)) {
            out.write(new byte[] {1, 2, 3});
        }
        assertThat(fs.rename(a, new Path("oss://bucket/mv/b"))).isTrue();
        assertThat(oss.keys("bucket")).contains("mv/b").doesNotContain("mv/a");
        assertThat(oss.requests(OssOperation.COPY_OBJECT)).isEqualTo(1);
        assertThat(fs.mkdirs(new Path("oss://bucket/mv/empty"))).isTrue();
        assertThat(oss.keys("bucket")).contains("mv/empty/");
        assertThat(fs.delete(new Path("oss://bucket/mv"), true)).isTrue();
        assertThat(oss.keys("bucket")).noneMatch(k -> k.startsWith("mv/"));
        assertThat(oss.requests(OssOperation.DELETE_MULTIPLE_OBJECTS)).isGreaterThanOrEqualTo(1);
    }

    @Test
    void anOutputAppearsOnlyWhenCommittedAndAnAbandonedOneUploadsNothing() throws IOException {
        Path target = new Path("oss://bucket/commit/part-00000.avro");
        try (floe.connectors.commit.AtomicFile abandoned = floe.connectors.commit.AtomicFile.create(target)) {
            abandoned.stream().write(new byte[200_000]);
        }
        assertThat(oss.keys("bucket")).noneMatch(k -> k.startsWith("commit/"));
        assertThat(oss.requests(OssOperation.PUT_OBJECT) + oss.requests(OssOperation.INITIATE_MULTIPART_UPLOAD)).isZero();

        byte[] data = new byte[250_000];
        new Random(3).nextBytes(data);
        try (floe.connectors.commit.AtomicFile file = floe.connectors.commit.AtomicFile.create(target)) {
            file.stream().write(data);
            assertThat(oss.keys("bucket")).as("nothing before the commit").noneMatch(k -> k.startsWith("commit/"));
            file.commit();
        }
        assertThat(oss.keys("bucket")).filteredOn(k -> k.startsWith("commit/")).containsExactly("commit/part-00000.avro");
        assertThat(oss.object("bucket", "commit/part-00000.avro")).isEqualTo(data);
        assertThat(oss.requests(OssOperation.COPY_OBJECT)).as("no rename").isZero();
        assertThat(oss.requests(OssOperation.COMPLETE_MULTIPART_UPLOAD)).isEqualTo(1);
        assertThat(oss.pendingUploads()).isZero();
    }
}
