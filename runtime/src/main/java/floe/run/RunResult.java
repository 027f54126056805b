package floe.run;

import java.time.Duration;
import java.util.List;

/** A finished, successful workflow run. A failed run throws instead. */
public record RunResult(String workflow, String jobId, Duration wallTime, List<StageResult> stages) {

    public RunResult {
        stages = List.copyOf(stages);
    }

    public StageResult stage(String name) {
        return stages.stream().filter(s -> s.stage().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no stage " + name));
    }
}
