package io.flinkinference.sidecar.backend;

import com.google.rpc.Code;

import java.util.Arrays;
import java.util.Objects;

/**
 * The outcome of one item of a batch: either result bytes or an error with a {@code
 * google.rpc.Code}. Immutable.
 */
public final class ItemResult {

    private final byte[] payload;
    private final Code errorCode;
    private final String errorMessage;

    private ItemResult(byte[] payload, Code errorCode, String errorMessage) {
        this.payload = payload;
        this.errorCode = errorCode;
        this.errorMessage = errorMessage;
    }

    /** A successful result; the array is owned by the result from now on. */
    public static ItemResult ok(byte[] payload) {
        return new ItemResult(Objects.requireNonNull(payload, "payload"), null, null);
    }

    /** A failed item, e.g. {@code error(Code.INVALID_ARGUMENT, "expected 1536 bytes, got 12")}. */
    public static ItemResult error(Code code, String message) {
        if (code == null || code == Code.OK) {
            throw new IllegalArgumentException("an error result needs a non-OK code, got " + code);
        }
        return new ItemResult(null, code, Objects.requireNonNull(message, "message"));
    }

    /**
     * {@code INVALID_ARGUMENT} for a fixed-shape tensor payload of the wrong length, naming both
     * sizes and the encoding expected, e.g. "payload has 23 bytes, expected 24 bytes (one float32
     * item of shape [2, 3], row-major little-endian)".
     */
    public static ItemResult wrongPayloadSize(
            int actualBytes, int expectedBytes, String dtype, long[] itemShape) {
        return error(
                Code.INVALID_ARGUMENT,
                "payload has "
                        + actualBytes
                        + " bytes, expected "
                        + expectedBytes
                        + " bytes (one "
                        + dtype
                        + " item of shape "
                        + Arrays.toString(itemShape)
                        + ", row-major little-endian)");
    }

    public boolean isOk() {
        return payload != null;
    }

    /** The result bytes; only for {@link #isOk()} results. */
    public byte[] payload() {
        if (payload == null) {
            throw new IllegalStateException("not a successful result: " + this);
        }
        return payload;
    }

    /** The error code; only for failed results. */
    public Code errorCode() {
        if (errorCode == null) {
            throw new IllegalStateException("not an error result");
        }
        return errorCode;
    }

    /** The error message; only for failed results. */
    public String errorMessage() {
        if (errorCode == null) {
            throw new IllegalStateException("not an error result");
        }
        return errorMessage;
    }

    @Override
    public String toString() {
        return isOk()
                ? "ItemResult{ok, " + payload.length + " bytes}"
                : "ItemResult{" + errorCode + ": " + errorMessage + "}";
    }
}
