package io.flinkinference.sidecar.client;

import io.flinkinference.sidecar.api.v1.InferRequest;

import com.google.protobuf.CodedOutputStream;

/**
 * The encoded size of the {@link InferRequest} that will carry a payload, computed without building
 * the message, so an item too large for the sidecar is refused before it is sent. The request id is
 * counted at its largest encoding, so the figure is an upper bound.
 */
final class RequestSize {

    private final int fixedBytes;

    RequestSize(SidecarClientConfig config) {
        this.fixedBytes =
                CodedOutputStream.computeUInt64Size(
                                InferRequest.REQUEST_ID_FIELD_NUMBER, Long.MAX_VALUE)
                        + CodedOutputStream.computeStringSize(
                                InferRequest.MODEL_FIELD_NUMBER, config.model())
                        + CodedOutputStream.computeUInt32Size(
                                InferRequest.TIMEOUT_MS_FIELD_NUMBER,
                                (int) config.requestTimeout().toMillis());
    }

    long of(byte[] payload) {
        return fixedBytes
                + (long)
                        CodedOutputStream.computeByteArraySize(
                                InferRequest.PAYLOAD_FIELD_NUMBER, payload);
    }
}
