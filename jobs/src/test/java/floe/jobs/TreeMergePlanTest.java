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
    private static JobGraph graph(int files, int fanIn, List<Integer> widths) {
        return graph("file:///data", files, fanIn, widths);
    }

    private static JobGraph graph(String root, int files, int fanIn, List<Integer> widths) {
        List<FileStatus> listed = new ArrayList<>(files);
        for (int i = 0; i < files; i++) {
            listed.add(new Listed(Layout.part(new Path(root + "/in/level-0"), i), 1_000_000L + i));
        }
        TreeMergeSpec spec = new TreeMergeSpec(root + "/in/level-0", root + "/w", root + "/out", fanIn, widths, "snappy", 3, false);
        Workflow wf = TreeMerge.workflow(spec, listed, new Path(root + "/w"), new Path(root + "/out"), spec.levelWidths(files));
        StreamExecutionEnvironment env = new StreamExecutionEnvironment(FlinkSettings.job(new Configuration()));
        WorkflowCompiler.withMaxParallelism(128).compile(wf, env);
        return env.getStreamGraph().getJobGraph();
    }

    @Test
    void sixteenThousandFilesMakeOneVertexPerLevelAndAGraphOfTheSameOrderAsOneHundredTwentyEight() throws Exception {
        List<Integer> fourteen = new ArrayList<>();
        for (int w = 8192; w >= 1; w /= 2) {
            fourteen.add(w);
        }
        JobGraph small = graph(128, 2, null);                 // 64, 32, 1
        JobGraph large = graph(16_384, 2, fourteen);          // 8,192, 4,096 .. 2, 1: 14 levels
        JobGraph wide = graph(16_384, 8, null);               // 2,048, 256, 1

        assertThat(fourteen).hasSize(14);
        assertThat(small.getNumberOfVertices()).isEqualTo(3);
        assertThat(large.getNumberOfVertices()).isEqualTo(14);
        assertThat(wide.getNumberOfVertices()).isEqualTo(3);

        long smallBytes = InstantiationUtil.serializeObject(small).length;
        long largeBytes = InstantiationUtil.serializeObject(large).length;
        long wideBytes = InstantiationUtil.serializeObject(wide).length;
        System.out.printf("job graph: 128 files %d vertices %d bytes; 16,384 files in 14 levels %d vertices %d bytes; fan-in 8 %d vertices %d bytes%n",
                small.getNumberOfVertices(), smallBytes, large.getNumberOfVertices(), largeBytes, wide.getNumberOfVertices(), wideBytes);
        long ossBytes = InstantiationUtil.serializeObject(graph("oss://data", 16_384, 2, fourteen)).length;
        System.out.printf("  the same 14 levels on OSS (the listed lengths in the plan): %d bytes%n", ossBytes);
        // a level costs the same whatever its tasks
        assertThat(wideBytes).isLessThan(smallBytes + 64 * 1024);
        assertThat(largeBytes).isLessThan(smallBytes * 14 / 3 + 64 * 1024);
        // on OSS the first level's stage takes the listed lengths along, 8 bytes a file, in each stage's copy of the plan
        assertThat(ossBytes - largeBytes).isLessThan(14 * (16_384L * 8 + 4096));
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
