package floe.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's peak resident memory (Linux {@code VmHWM}), for the benchmark. */
public final class PeakMemory {
    /** When set, the command line writes the peak (KiB) to this file as it exits. */
    public static final String ENV = "FLOE_PEAK_MEMORY_FILE";

    private PeakMemory() {}

    /** Peak resident set in KiB, or -1 where the platform does not tell. */
    public static long kib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** Writes the peak to the file named by {@link #ENV}, if the variable is set. */
    public static void reportIfAsked() {
        String file = System.getenv(ENV);
        if (file != null) {
            try {
                Files.writeString(Path.of(file), Long.toString(kib()));
            } catch (IOException e) {
                System.err.println("floe: could not write peak memory to " + file + ": " + e.getMessage());
            }
        }
    }
}
