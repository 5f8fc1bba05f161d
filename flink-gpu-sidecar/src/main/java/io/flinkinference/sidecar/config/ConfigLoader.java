package io.flinkinference.sidecar.config;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.IllegalConfigurationException;
import org.apache.flink.configuration.YamlParserUtils;

import java.io.File;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link Configuration} from a YAML file (Flink's {@code config.yaml} syntax: nested maps
 * or dotted keys, flattened to dotted keys) and {@code key=value} overrides, which win. Stateless;
 * thread-safe.
 */
public final class ConfigLoader {

    private ConfigLoader() {}

    /**
     * @param yaml the file, or {@code null} for none
     * @param overrides applied after the file
     * @throws IllegalConfigurationException when the file cannot be read or parsed
     */
    public static Configuration load(File yaml, Map<String, String> overrides) {
        Map<String, String> flat = new LinkedHashMap<>();
        if (yaml != null) {
            if (!yaml.isFile()) {
                throw new IllegalConfigurationException(
                        "--config: " + yaml + " does not exist or is not a file");
            }
            Map<String, Object> parsed;
            try {
                parsed = YamlParserUtils.loadYamlFile(yaml);
            } catch (Exception e) {
                throw new IllegalConfigurationException(
                        "--config: cannot parse " + yaml + ": " + e.getMessage(), e);
            }
            flatten("", parsed == null ? Map.of() : parsed, flat);
        }
        flat.putAll(overrides);
        return Configuration.fromMap(flat);
    }

    private static void flatten(String prefix, Map<?, ?> map, Map<String, String> into) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = prefix + e.getKey();
            Object value = e.getValue();
            if (value instanceof Map<?, ?> nested) {
                flatten(key + ".", nested, into);
            } else if (value instanceof List<?> list) {
                into.put(key, YamlParserUtils.toYAMLString(list));
            } else if (value != null) {
                into.put(key, String.valueOf(value));
            }
        }
    }
}
