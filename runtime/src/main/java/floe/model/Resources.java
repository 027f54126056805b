package floe.model;

import floe.SpecException;

import java.io.Serializable;

/**
 * What one task of a stage asks for: CPU cores and memory in MiB (Argo {@code resources},
 * Batch {@code resourceRequirements}). Zero means "no request".
 */
public record Resources(double cpu, int memoryMb) implements Serializable {

    private static final Resources NONE = new Resources(0, 0);

    public Resources {
        if (cpu < 0 || Double.isNaN(cpu)) {
            throw new SpecException("resources.cpu must be zero or positive, got " + cpu);
        }
        if (memoryMb < 0) {
            throw new SpecException("resources.memory must be zero or positive MiB, got " + memoryMb);
        }
    }

    public static Resources none() {
        return NONE;
    }

    public static Resources of(double cpu, int memoryMb) {
        return new Resources(cpu, memoryMb);
    }

    public boolean isNone() {
        return cpu == 0 && memoryMb == 0;
    }

    @Override
    public String toString() {
        return isNone() ? "-" : "cpu=" + cpu + ",memory=" + memoryMb + "Mi";
    }
}
