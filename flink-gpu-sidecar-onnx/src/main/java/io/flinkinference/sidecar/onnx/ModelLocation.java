package io.flinkinference.sidecar.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A model or tokenizer location as the path options spell it: a file system path, or {@code
 * classpath:/name} for a resource on the class path (such as the bundled MiniLM). Immutable.
 */
public final class ModelLocation {

    private final String location;

    private ModelLocation(String location) {
        this.location = location;
    }

    public static ModelLocation of(String location) {
        if (location == null || location.isBlank()) {
            throw new IllegalArgumentException("a model location must not be empty");
        }
        return new ModelLocation(location.trim());
    }

    public boolean isClasspath() {
        return location.startsWith(OnnxOptions.CLASSPATH_PREFIX);
    }

    /**
     * The file name without directories and without its extension, e.g. {@code all-minilm-l6-v2}.
     */
    public String baseName() {
        String name = location.substring(location.lastIndexOf('/') + 1);
        name = name.substring(name.lastIndexOf(':') + 1);
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    /**
     * Opens the location for reading.
     *
     * @throws IOException naming the location if it does not exist
     */
    public InputStream open() throws IOException {
        if (isClasspath()) {
            String resource = location.substring(OnnxOptions.CLASSPATH_PREFIX.length());
            while (resource.startsWith("/")) {
                resource = resource.substring(1);
            }
            InputStream in = ModelLocation.class.getClassLoader().getResourceAsStream(resource);
            if (in == null) {
                throw new NoSuchFileException(location, null, "no such resource on the class path");
            }
            return in;
        }
        Path path = Path.of(location);
        if (!Files.isRegularFile(path)) {
            throw new NoSuchFileException(path.toAbsolutePath().toString(), null, "no such file");
        }
        return Files.newInputStream(path);
    }

    /** Reads the whole location into memory. */
    public byte[] readAllBytes() throws IOException {
        try (InputStream in = open()) {
            return in.readAllBytes();
        }
    }

    @Override
    public String toString() {
        return location;
    }
}
