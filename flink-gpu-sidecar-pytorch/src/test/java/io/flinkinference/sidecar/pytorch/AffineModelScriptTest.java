package io.flinkinference.sidecar.pytorch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The committed {@code affine.pt} is exactly what its generator script writes (zip dates aside).
 */
@Timeout(60)
class AffineModelScriptTest {

    @TempDir Path dir;

    @Test
    void committedModelMatchesItsGeneratorScript() throws Exception {
        Path script = Path.of("src/test/scripts/make_affine_torchscript.py");
        assumeTrue(Files.isRegularFile(script), "run from the module directory");
        Path regenerated = dir.resolve("affine.pt");
        Process python;
        try {
            python =
                    new ProcessBuilder("python3", script.toString(), regenerated.toString())
                            .inheritIO()
                            .start();
        } catch (IOException noPython) {
            assumeTrue(false, "python3 is not installed");
            return;
        }
        assertThat(python.waitFor(50, TimeUnit.SECONDS)).isTrue();
        assertThat(python.exitValue()).isZero();

        assertThat(entries(regenerated))
                .isEqualTo(entries(Path.of("src/test/resources/affine.pt")));
    }

    private static Map<String, String> entries(Path zip) throws IOException {
        Map<String, String> entries = new TreeMap<>();
        try (InputStream in = Files.newInputStream(zip);
                ZipInputStream entriesIn = new ZipInputStream(in)) {
            for (ZipEntry e = entriesIn.getNextEntry(); e != null; e = entriesIn.getNextEntry()) {
                entries.put(
                        e.getName(), java.util.HexFormat.of().formatHex(entriesIn.readAllBytes()));
            }
        }
        return entries;
    }
}
