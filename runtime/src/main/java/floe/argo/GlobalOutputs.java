package floe.argo;

import floe.model.TaskCompletion;
import floe.model.TaskContext;
import floe.model.TaskFunction;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The workflow's global outputs ({@code globalName}) as its exit handler sees them. The handler
 * runs as a workflow of its own once the workflow ended, so this stage, after the stages that set
 * them, keeps each one's value in a file of the run's directory ({@code NAME} is
 * {@code parameters.P} or {@code artifacts.A}, the value an artifact's location), where the
 * handler's tasks read it. A global output whose stage never ended (the run stopped at a failure
 * first) is not there, as in Argo a global output of a node that did not succeed is not set.
 */
final class GlobalOutputs implements TaskFunction {
    private static final long serialVersionUID = 1L;
    static final String STAGE = "floe.global-outputs";

    private final String dir;
    private final Map<String, List<String>> from;

    /** Keeps in {@code dir} the global outputs {@code from} names: NAME -> [stage, output]. */
    GlobalOutputs(String dir, Map<String, List<String>> from) {
        this.dir = dir;
        this.from = new TreeMap<>(from);
    }

    @Override
    public void run(TaskContext ctx) throws IOException {
        Path root = Path.of(dir);
        Files.createDirectories(root);
        for (Map.Entry<String, String> e : values(from, ctx.inputs()).entrySet()) {
            Path tmp = root.resolve("." + e.getKey() + ".tmp");
            Files.writeString(tmp, e.getValue(), StandardCharsets.UTF_8);
            Files.move(tmp, root.resolve(e.getKey()), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /**
     * Each global output's value among {@code upstream}: the one the last task of its stage set
     * (in Argo, the last writer wins); those not set are left out.
     */
    static Map<String, String> values(Map<String, List<String>> from, List<TaskCompletion> upstream) {
        Map<String, String> out = new LinkedHashMap<>();
        from.forEach((name, source) -> {
            String value = null;
            int index = -1;
            boolean artifact = name.startsWith("artifacts.");
            for (TaskCompletion c : upstream) {
                String v = (artifact ? c.outcome().artifact(source.get(1)) : c.outcome().parameter(source.get(1))).orElse(null);
                if (c.stage().equals(source.get(0)) && v != null && c.index() > index) {
                    value = v;
                    index = c.index();
                }
            }
            if (value != null) {
                out.put(name, value);
            }
        });
        return out;
    }

    /** The value kept in {@code dir} for global output {@code name}, or null when its stage did not set it. */
    static String read(String dir, String name) throws IOException {
        Path file = Path.of(dir, name);
        return Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
    }
}
