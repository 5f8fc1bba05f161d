package io.flinkinference.sidecar.onnx;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Parsing of the enumerated string options, with an error that lists what is accepted. */
final class ConfigValues {

    static <E> E parse(String key, String value, E[] candidates, Function<E, String> spelling) {
        String wanted = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        for (E candidate : candidates) {
            if (spelling.apply(candidate).equals(wanted)) {
                return candidate;
            }
        }
        throw new IllegalArgumentException(
                key
                        + " = '"
                        + value
                        + "' is not one of "
                        + Arrays.stream(candidates)
                                .map(spelling)
                                .collect(Collectors.joining("', '", "'", "'")));
    }

    private ConfigValues() {}
}
