package floe.spec;

import floe.SpecException;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalImagesTest {
    private final LocalImages images = LocalImages.of(List.of("python:3.11*", "busybox"),
            Map.of("python:*", "/opt/scripts"), "/work");

    @Test
    void allowedImagesRunInTheirMappedDirectoryOrTheDefault() {
        assertThat(images.workingDir("python:3.11-amd", "w")).isEqualTo("/opt/scripts");
        assertThat(images.workingDir("busybox", "w")).isEqualTo("/work");
        assertThat(LocalImages.anyIn("/work").workingDir("anything:latest", "w")).isEqualTo("/work");
    }

    @Test
    void anImageNotAllowedIsRefusedNamingTheField() {
        assertThatThrownBy(() -> images.workingDir("busybox:1.36", "spec.templates[1].container.image"))
                .isInstanceOf(SpecException.class)
                .hasMessage("spec.templates[1].container.image: image 'busybox:1.36' may not run on this machine"
                        + " (allowed: python:3.11*, busybox; see floe.local.allowed-images)");
    }

    @Test
    void anImagesOwnWorkingDirectoryComesAfterTheGivenOnesAndBeforeTheDefault() {
        LocalImages withDirs = images.withWorkingDirs(List.of("python*=/", "busybox*=/", "golang*=/go"));

        assertThat(withDirs.workingDir("python:3.11-amd", "w")).isEqualTo("/opt/scripts");
        assertThat(withDirs.workingDir("busybox", "w")).isEqualTo("/");
        assertThat(LocalImages.anyIn("/work").withWorkingDirs(List.of("golang*=/go")).workingDir("golang:1.22", "w")).isEqualTo("/go");
        assertThat(LocalImages.anyIn("/work").withWorkingDirs(List.of("golang*=/go")).workingDir("example.com/app:1", "w"))
                .isEqualTo("/work");
        assertThatThrownBy(() -> images.withWorkingDirs(List.of("busybox=tmp")))
                .isInstanceOf(SpecException.class)
                .hasMessage("floe.local.working-dirs: 'busybox=tmp' is not IMAGE=DIR with DIR an absolute path");
    }

    @Test
    void aContainerWithNeitherCommandNorArgsRunsTheImagesOwnCommandWhenItHasNoEntrypoint() {
        LocalImages mapped = LocalImages.anyIn("/work").withEntrypoints(List.of("argoproj/argosay:*=/opt/argosay", "alpine*="))
                .withCommands(List.of("alpine*=/bin/sh"));

        assertThat(mapped.entrypoint("alpine:3.23", true, "w")).containsExactly("/bin/sh");
        assertThat(mapped.entrypoint("alpine:3.23", false, "w")).isEmpty();
        assertThat(mapped.entrypoint("argoproj/argosay:v2", true, "w")).containsExactly("/opt/argosay");
        assertThatThrownBy(() -> mapped.entrypoint("example.com/app:1", true, "spec.templates[0].container"))
                .hasMessageStartingWith("spec.templates[0].container: no command, so Argo would run the entrypoint of image"
                        + " 'example.com/app:1'");
    }
}
