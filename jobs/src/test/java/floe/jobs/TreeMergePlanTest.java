package floe.jobs;

import floe.compile.WorkflowCompiler;
import floe.model.Workflow;
import floe.run.FlinkSettings;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.Path;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The tree merge's job graph has one vertex per level, and no list of files: its size barely grows with the inputs. */
class TreeMergePlanTest {
    private static JobGraph graph(int files, int fanIn) {
        List<FileStatus> listed = new ArrayList<>(files);
        for (int i = 0; i < files; i++) {
            listed.add(new Listed(Layout.part(new Path("oss://data/in/level-0"), i), 1_000_000L + i));
        }
        TreeMergeSpec spec = new TreeMergeSpec("oss://data/in/level-0", "oss://data/w", "oss://data/out", fanIn, null, "snappy", 3, false);
        Workflow wf = TreeMerge.workflow(spec, listed, new Path("oss://data/w"), new Path("oss://data/out"), spec.levelWidths(files));
        StreamExecutionEnvironment env = new StreamExecutionEnvironment(FlinkSettings.job(new Configuration()));
        WorkflowCompiler.withMaxParallelism(128).compile(wf, env);
        return env.getStreamGraph().getJobGraph();
    }

    @Test
    void sixteenThousandFilesMakeOneVertexPerLevelAndAGraphOfTheSameOrderAsOneHundredTwentyEight() throws Exception {
        JobGraph small = graph(128, 2);       // 7 levels: 64 .. 1
        JobGraph large = graph(16_384, 2);    // 14 levels: 8,192 .. 1
        JobGraph wide = graph(16_384, 8);     // 5 levels: 2,048, 256, 32, 4, 1

        int perLevel = small.getNumberOfVertices() / 7;
        assertThat(small.getNumberOfVertices()).isEqualTo(7 * perLevel);
        assertThat(large.getNumberOfVertices()).isEqualTo(14 * perLevel);
        assertThat(wide.getNumberOfVertices()).isEqualTo(5 * perLevel);

        long smallBytes = InstantiationUtil.serializeObject(small).length;
        long largeBytes = InstantiationUtil.serializeObject(large).length;
        System.out.printf("job graph: 128 files %d vertices %d bytes; 16,384 files (fan-in 2) %d vertices %d bytes; (fan-in 8) %d vertices%n",
                small.getNumberOfVertices(), smallBytes, large.getNumberOfVertices(), largeBytes, wide.getNumberOfVertices());
        // what grows with the files is the listed lengths the first level takes along (8 bytes a file), and the levels
        assertThat(largeBytes).isLessThan(2 * smallBytes * 14 / 7 + 16_384L * 8);
    }

    /** A listed file: its path and length. */
    private record Listed(Path path, long length) implements FileStatus {
        @Override public long getLen() { return length; }
        @Override public long getBlockSize() { return length; }
        @Override public short getReplication() { return 1; }
        @Override public long getModificationTime() { return 0; }
        @Override public long getAccessTime() { return 0; }
        @Override public boolean isDir() { return false; }
        @Override public Path getPath() { return path; }
    }
}
