package io.flinkinference.asyncbatch;

import org.apache.flink.streaming.api.functions.async.ResultFuture;

import javax.annotation.Nullable;

import java.time.Duration;

/**
 * Implemented by the futures the operator hands to {@link AsyncBatchFunction}, so that the default
 * {@link AsyncBatchFunction#timeout} can name the configured timeout without widening the public
 * API.
 */
interface TimeoutAwareResultFuture {

    Duration configuredTimeout();

    @Nullable
    static Duration timeoutOf(ResultFuture<?> future) {
        return future instanceof TimeoutAwareResultFuture
                ? ((TimeoutAwareResultFuture) future).configuredTimeout()
                : null;
    }
}
