package io.flinkinference.sidecar.request;

import io.flinkinference.sidecar.api.v1.InferResponse;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.rpc.Code;
import com.google.rpc.RetryInfo;
import com.google.rpc.Status;

import java.util.concurrent.TimeUnit;

/** Builds the wire answers of the Infer RPC. Stateless; thread-safe. */
public final class Responses {

    private Responses() {}

    /** A successful answer carrying {@code payload}. */
    public static InferResponse ok(long requestId, byte[] payload) {
        return InferResponse.newBuilder()
                .setRequestId(requestId)
                .setPayload(ByteString.copyFrom(payload))
                .build();
    }

    /** An error answer with a {@code google.rpc.Code} and a message for humans. */
    public static InferResponse error(long requestId, Code code, String message) {
        return InferResponse.newBuilder()
                .setRequestId(requestId)
                .setError(Status.newBuilder().setCode(code.getNumber()).setMessage(message))
                .build();
    }

    /**
     * A {@code RESOURCE_EXHAUSTED} answer whose {@code details} hold a {@code google.rpc.RetryInfo}
     * with {@code retryDelayNanos} (at least 1 ms).
     */
    public static InferResponse resourceExhausted(
            long requestId, String message, long retryDelayNanos) {
        long nanos = Math.max(TimeUnit.MILLISECONDS.toNanos(1), retryDelayNanos);
        RetryInfo retry =
                RetryInfo.newBuilder()
                        .setRetryDelay(
                                com.google.protobuf.Duration.newBuilder()
                                        .setSeconds(nanos / 1_000_000_000L)
                                        .setNanos((int) (nanos % 1_000_000_000L)))
                        .build();
        return InferResponse.newBuilder()
                .setRequestId(requestId)
                .setError(
                        Status.newBuilder()
                                .setCode(Code.RESOURCE_EXHAUSTED_VALUE)
                                .setMessage(message)
                                .addDetails(Any.pack(retry)))
                .build();
    }
}
