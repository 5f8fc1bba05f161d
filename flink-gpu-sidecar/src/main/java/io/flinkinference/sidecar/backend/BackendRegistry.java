package io.flinkinference.sidecar.backend;

import org.apache.flink.configuration.IllegalConfigurationException;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Finds {@link InferenceBackendFactory}s with {@link ServiceLoader} (on the thread's context class
 * loader, else this class's). Stateless; thread-safe.
 */
public final class BackendRegistry {

    private BackendRegistry() {}

    /** Every factory on the classpath, sorted by name. */
    public static List<InferenceBackendFactory> all() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = BackendRegistry.class.getClassLoader();
        }
        TreeMap<String, InferenceBackendFactory> byName = new TreeMap<>();
        for (InferenceBackendFactory f :
                ServiceLoader.load(InferenceBackendFactory.class, loader)) {
            byName.putIfAbsent(f.name(), f);
        }
        return new ArrayList<>(byName.values());
    }

    /**
     * The factory called {@code name}.
     *
     * @throws IllegalConfigurationException naming {@code optionKey} and the available backends
     */
    public static InferenceBackendFactory find(String name, String optionKey) {
        List<InferenceBackendFactory> all = all();
        for (InferenceBackendFactory f : all) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        List<String> names = all.stream().map(InferenceBackendFactory::name).toList();
        throw new IllegalConfigurationException(
                optionKey
                        + ": no backend named '"
                        + name
                        + "' on the classpath (available: "
                        + String.join(", ", names)
                        + ")");
    }
}
