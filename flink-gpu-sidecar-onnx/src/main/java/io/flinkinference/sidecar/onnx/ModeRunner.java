package io.flinkinference.sidecar.onnx;

import io.flinkinference.sidecar.api.v1.ModelInfo;
import io.flinkinference.sidecar.backend.ItemResult;

import java.util.List;

/**
 * Turns payloads into model inputs and outputs into results for one {@link OnnxMode}, around an
 * already open ONNX Runtime session that the runner does not own.
 *
 * <p>Implementations are safe for concurrent {@link #infer(List)} calls and report a bad payload as
 * an error {@link ItemResult} for that item only.
 */
public interface ModeRunner extends AutoCloseable {

    /** The mode-specific part of the model description (mode, tensor specs, lengths). */
    ModelInfo.Builder describe();

    /** Runs one batch; exactly one result per payload, in order. */
    List<ItemResult> infer(List<byte[]> payloads) throws Exception;

    /** Releases what the runner itself holds (not the session). */
    @Override
    void close();
}
