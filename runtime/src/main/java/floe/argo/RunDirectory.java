package floe.argo;

import floe.model.TaskContext;
import floe.model.TaskFunction;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The stage after all others that removes a run's directory of volume claims and empty
 * directories (unless {@code floe.argo.keep-volumes}), as Kubernetes deletes a workflow's claims
 * and pods' empty directories once it ends.
 */
final class RunDirectory implements TaskFunction {
    private static final long serialVersionUID = 1L;
    static final String STAGE = "floe.run-directory";

    private final String root;
    private final boolean keep;

    RunDirectory(String root, boolean keep) {
        this.root = root;
        this.keep = keep;
    }

    @Override
    public void run(TaskContext ctx) throws IOException {
        Path dir = Path.of(root);
        if (keep || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
