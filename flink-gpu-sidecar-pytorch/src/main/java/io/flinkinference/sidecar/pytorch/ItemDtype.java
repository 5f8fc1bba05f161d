package io.flinkinference.sidecar.pytorch;

import ai.djl.ndarray.types.DataType;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The element types the {@code pytorch} backend exchanges, with their {@code TensorSpec} names. */
enum ItemDtype {
    FLOAT32("float32", DataType.FLOAT32),
    FLOAT64("float64", DataType.FLOAT64),
    FLOAT16("float16", DataType.FLOAT16),
    INT8("int8", DataType.INT8),
    UINT8("uint8", DataType.UINT8),
    INT32("int32", DataType.INT32),
    INT64("int64", DataType.INT64),
    BOOL("bool", DataType.BOOLEAN);

    final String specName;
    final DataType djlType;

    ItemDtype(String specName, DataType djlType) {
        this.specName = specName;
        this.djlType = djlType;
    }

    static ItemDtype fromConfig(String value) {
        String wanted = value.trim().toLowerCase(Locale.ROOT);
        for (ItemDtype dtype : values()) {
            if (dtype.specName.equals(wanted)) {
                return dtype;
            }
        }
        throw new IllegalArgumentException(
                PyTorchOptions.INPUT_DTYPE.key()
                        + " = '"
                        + value
                        + "' is not one of "
                        + Arrays.stream(values())
                                .map(d -> d.specName)
                                .collect(Collectors.joining(", ")));
    }

    static ItemDtype of(DataType type) {
        for (ItemDtype dtype : values()) {
            if (dtype.djlType == type) {
                return dtype;
            }
        }
        throw new IllegalArgumentException("unsupported tensor element type " + type);
    }
}
