package io.flinkinference.sidecar.backend;

import org.apache.flink.configuration.ConfigOption;

import java.util.Set;

/**
 * Creates {@link InferenceBackend}s of one kind. Factories are discovered with {@link
 * java.util.ServiceLoader} (list the class in {@code
 * META-INF/services/io.flinkinference.sidecar.backend.InferenceBackendFactory}) and chosen by
 * {@link #name()} through the {@code sidecar.backend} option.
 *
 * <p>Example:
 *
 * <pre>{@code
 * public final class UpperCaseBackendFactory implements InferenceBackendFactory {
 *     public String name() { return "upper"; }
 *     public Set<ConfigOption<?>> options() { return Set.of(); }
 *     public InferenceBackend create() { return new UpperCaseBackend(); }
 * }
 * }</pre>
 */
public interface InferenceBackendFactory {

    /** The value of {@code sidecar.backend} that selects this backend, e.g. {@code "mock"}. */
    String name();

    /** Every option this backend reads, so that {@code bin/sidecar --help} can list them. */
    Set<ConfigOption<?>> options();

    /** A new, unopened backend. */
    InferenceBackend create();
}
