package io.flinkinference.sidecar.client.stream;

import io.flinkinference.sidecar.api.v1.InferRequest;
import io.flinkinference.sidecar.api.v1.InferResponse;
import io.flinkinference.sidecar.api.v1.InferenceSidecarGrpc;
import io.flinkinference.sidecar.client.SidecarClientConfig;
import io.flinkinference.sidecar.client.SidecarClientException;
import io.flinkinference.sidecar.client.SidecarItemException;
import io.flinkinference.sidecar.client.SidecarSaturatedException;
import io.flinkinference.sidecar.client.SidecarUnavailableException;
import io.flinkinference.sidecar.client.channel.ChannelLease;
import io.flinkinference.sidecar.client.channel.SharedChannels;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.Code;
import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One subtask's long-lived {@code Infer} stream to the sidecar, on a channel shared with the other
 * subtasks of the JVM ({@link SharedChannels}).
 *
 * <p>Every item of a submitted batch becomes one request with a fresh request id (a counter that is
 * never reused, so ids are unique on every stream); answers are matched to items by id, in whatever
 * order they arrive. At most {@code maxInFlightRequests} requests are unanswered on the stream;
 * further items wait in the connection, and at most {@code maxInFlightRequests + maxQueuedRequests}
 * items are held at all (a batch that does not fit fails at once).
 *
 * <p>Failure handling:
 *
 * <ul>
 *   <li>{@code RESOURCE_EXHAUSTED} (and per-item {@code UNAVAILABLE}, which a draining sidecar
 *       answers): only that item is resent, after the answer's {@code RetryInfo} delay (or {@code
 *       retryDefaultDelay}) with jitter, until {@code retryMaxDuration} after its first rejection;
 *       then its batch fails with {@link SidecarSaturatedException} (or {@link
 *       SidecarUnavailableException}).
 *   <li>Stream or channel break: every unanswered item is queued again (at-least-once to the
 *       sidecar) and the stream is reopened with exponential backoff; after {@code
 *       reconnectMaxDuration} without a working stream, the waiting batches fail with {@link
 *       SidecarUnavailableException}.
 *   <li>Any other per-item error fails the item's batch with {@link SidecarItemException}.
 * </ul>
 *
 * <p>Thread-safety: {@link #submit} and {@link #close} may be called from any thread. All state is
 * confined to one I/O thread per connection; gRPC callbacks are handed over to it.
 */
public final class InferConnection implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InferConnection.class);

    private final SidecarClientConfig config;
    private final ClientMetrics metrics;
    private final String name;
    private final ChannelLease lease;
    private final InferenceSidecarGrpc.InferenceSidecarStub stub;
    private final ScheduledExecutorService loop;
    private final AtomicInteger ownedItems = new AtomicInteger();
    private final int maxOwnedItems;

    // ---- confined to the loop thread ----
    private final ArrayDeque<PendingItem> sendQueue = new ArrayDeque<>();
    private final Map<Long, PendingItem> inFlight = new HashMap<>();
    private StreamObserver<InferRequest> requests;
    private int generation;
    private long nextRequestId = 1;
    private boolean reconnectScheduled;
    private int reconnectAttempts;
    private long brokenSinceNanos = -1;

    /** A stream broke and no answer has arrived on a new one yet. */
    private boolean awaitingReconnect;

    private Status lastBreak;
    private boolean closed;

    /**
     * @param name for logs and the I/O thread, e.g. the subtask's name
     */
    public InferConnection(SidecarClientConfig config, ClientMetrics metrics, String name) {
        this.config = config;
        this.metrics = metrics;
        this.name = name;
        this.maxOwnedItems = config.maxInFlightRequests() + config.maxQueuedRequests();
        this.lease = SharedChannels.acquire(config.endpoint());
        this.stub = InferenceSidecarGrpc.newStub(lease.channel());
        ScheduledThreadPoolExecutor executor =
                new ScheduledThreadPoolExecutor(
                        1,
                        r -> {
                            Thread t = new Thread(r, "sidecar-client " + name);
                            t.setDaemon(true);
                            return t;
                        });
        // close() must not wait for pending retry or reconnect delays
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executor.setRemoveOnCancelPolicy(true);
        this.loop = executor;
    }

    /**
     * Sends one batch; {@code batch} hears of each item's result or of the batch's failure.
     *
     * @param payloads one request payload per item, in the batch's order
     */
    public void submit(BatchCallback batch, List<byte[]> payloads) {
        int n = payloads.size();
        int before = ownedItems.getAndAdd(n);
        if (before > 0 && before + n > maxOwnedItems) {
            ownedItems.addAndGet(-n);
            batch.onFailure(
                    new SidecarClientException(
                            "The sidecar client of "
                                    + name
                                    + " already holds "
                                    + before
                                    + " items and a batch of "
                                    + n
                                    + " would exceed its bound of "
                                    + maxOwnedItems
                                    + " (sidecar.client.max-in-flight-requests + "
                                    + "sidecar.client.max-queued-requests). Lower the operator's "
                                    + "maxInFlightBatches x maxBatchSize or raise these options."));
            return;
        }
        List<PendingItem> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            items.add(new PendingItem(batch, i, payloads.get(i)));
        }
        if (!execute(
                () -> {
                    if (closed) {
                        items.forEach(this::release);
                        batch.onFailure(new SidecarClientException("the client is closed"));
                        return;
                    }
                    sendQueue.addAll(items);
                    pump();
                })) {
            ownedItems.addAndGet(-n);
            batch.onFailure(new SidecarClientException("the client is closed"));
        }
    }

    /** Items accepted and not yet finished (in flight, queued, or waiting to be resent). */
    public int ownedItems() {
        return ownedItems.get();
    }

    // ------------------------------------------------------------------ sending

    private void pump() {
        if (closed) {
            return;
        }
        if (requests == null) {
            ensureConnecting();
            return;
        }
        while (inFlight.size() < config.maxInFlightRequests() && !sendQueue.isEmpty()) {
            PendingItem item = sendQueue.poll();
            if (item.batch.isDone()) {
                release(item);
                continue;
            }
            item.requestId = nextRequestId++;
            item.sentNanos = System.nanoTime();
            inFlight.put(item.requestId, item);
            if (item.sends++ > 0) {
                metrics.resends.inc();
            }
            metrics.requestsSent.inc();
            InferRequest request =
                    InferRequest.newBuilder()
                            .setRequestId(item.requestId)
                            .setModel(config.model())
                            .setPayload(ByteString.copyFrom(item.payload))
                            .setTimeoutMs((int) config.requestTimeout().toMillis())
                            .build();
            try {
                requests.onNext(request);
            } catch (RuntimeException e) {
                // The call is already closed; its onError/onCompleted will requeue what is in
                // flight, this item included.
                LOG.debug("{}: send on a closed stream failed", name, e);
                break;
            }
        }
    }

    private void ensureConnecting() {
        if (requests != null || reconnectScheduled || closed || sendQueue.isEmpty()) {
            return;
        }
        openStream();
    }

    private void openStream() {
        int gen = ++generation;
        if (awaitingReconnect) {
            // Skip the channel's own (long) reconnect backoff; ours governs.
            lease.channel().resetConnectBackoff();
            LOG.debug("{}: reopening the Infer stream (attempt {})", name, reconnectAttempts);
        }
        requests = stub.infer(new ResponseObserver(gen));
        pump();
    }

    // ------------------------------------------------------------------ receiving

    private void onResponse(int gen, InferResponse response) {
        if (gen != generation || closed) {
            return;
        }
        if (awaitingReconnect) {
            metrics.reconnects.inc();
            LOG.info(
                    "{}: the Infer stream to {} works again{}",
                    name,
                    config.endpoint(),
                    brokenSinceNanos >= 0
                            ? " after "
                                    + nanosToMillis(System.nanoTime() - brokenSinceNanos)
                                    + " ms"
                            : "");
            awaitingReconnect = false;
        }
        brokenSinceNanos = -1;
        reconnectAttempts = 0;
        PendingItem item = inFlight.remove(response.getRequestId());
        if (item == null) {
            LOG.warn(
                    "{}: an answer for request id {} that is not in flight, ignored",
                    name,
                    response.getRequestId());
            return;
        }
        metrics.roundTripUs.update((System.nanoTime() - item.sentNanos) / 1000);
        if (response.hasPayload()) {
            metrics.responsesOk.inc();
            if (!item.batch.isDone()) {
                item.batch.onItemResult(item.index, response.getPayload().toByteArray());
            }
            release(item);
        } else {
            com.google.rpc.Status error = response.getError();
            Code code = Code.forNumber(error.getCode());
            if (code == null) {
                code = Code.UNKNOWN;
            }
            metrics.error(code).inc();
            if (code == Code.RESOURCE_EXHAUSTED || code == Code.UNAVAILABLE) {
                retryLater(item, code, error);
            } else {
                item.batch.onFailure(
                        new SidecarItemException(
                                item.index, item.batch.size(), code.name(), error.getMessage()));
                release(item);
            }
        }
        pump();
    }

    private void retryLater(PendingItem item, Code code, com.google.rpc.Status error) {
        if (item.batch.isDone()) {
            release(item);
            return;
        }
        long now = System.nanoTime();
        if (item.firstRejectedNanos < 0) {
            item.firstRejectedNanos = now;
        }
        item.rejections++;
        long retriedNanos = now - item.firstRejectedNanos;
        if (retriedNanos >= config.retryMaxDuration().toNanos()) {
            item.batch.onFailure(budgetSpent(item, code, error, retriedNanos));
            release(item);
            return;
        }
        long delay = retryDelayNanos(error);
        execute(
                () -> {
                    if (closed || item.batch.isDone()) {
                        release(item);
                    } else {
                        sendQueue.add(item);
                        pump();
                    }
                },
                Backoff.withJitter(delay, config.retryJitter()));
    }

    private SidecarClientException budgetSpent(
            PendingItem item, Code code, com.google.rpc.Status error, long retriedNanos) {
        Duration retried = Duration.ofNanos(retriedNanos);
        String what =
                "item "
                        + item.index
                        + " of a batch of "
                        + item.batch.size()
                        + " was answered "
                        + code.name()
                        + " "
                        + item.rejections
                        + " times and retried for "
                        + retried.toMillis()
                        + " ms (retry budget sidecar.client.retry.max-duration = "
                        + config.retryMaxDuration().toMillis()
                        + " ms); last answer: "
                        + error.getMessage();
        if (code == Code.RESOURCE_EXHAUSTED) {
            return new SidecarSaturatedException(
                    "The sidecar at "
                            + config.endpoint()
                            + " is saturated: "
                            + what
                            + ". Give the sidecar more capacity (sidecar.queue.max-length, "
                            + "sidecar.backend.workers) or send less at once (the operator's "
                            + "maxInFlightBatches).",
                    retried);
        }
        return new SidecarUnavailableException(
                "The sidecar at " + config.endpoint() + " is unavailable: " + what + ".",
                retried,
                null);
    }

    private long retryDelayNanos(com.google.rpc.Status error) {
        for (Any detail : error.getDetailsList()) {
            if (detail.is(RetryInfo.class)) {
                try {
                    com.google.protobuf.Duration d = detail.unpack(RetryInfo.class).getRetryDelay();
                    return TimeUnit.SECONDS.toNanos(d.getSeconds()) + d.getNanos();
                } catch (InvalidProtocolBufferException e) {
                    LOG.debug("{}: unreadable RetryInfo", name, e);
                }
            }
        }
        return config.retryDefaultDelay().toNanos();
    }

    // ------------------------------------------------------------------ breaks and reconnects

    private void onBroken(int gen, Status status) {
        if (gen != generation || requests == null || closed) {
            return;
        }
        requests = null;
        lastBreak = status;
        awaitingReconnect = true;
        long now = System.nanoTime();
        if (brokenSinceNanos < 0) {
            brokenSinceNanos = now;
            LOG.warn(
                    "{}: the Infer stream to {} broke ({}: {}); {} requests unanswered, they "
                            + "will be resent",
                    name,
                    config.endpoint(),
                    status.getCode(),
                    status.getDescription(),
                    inFlight.size());
        } else {
            LOG.debug(
                    "{}: reconnect to {} failed: {} {}",
                    name,
                    config.endpoint(),
                    status.getCode(),
                    status.getDescription());
        }
        List<PendingItem> unanswered = new ArrayList<>(inFlight.values());
        inFlight.clear();
        unanswered.sort(Comparator.comparingLong((PendingItem i) -> i.requestId).reversed());
        for (PendingItem item : unanswered) {
            if (item.batch.isDone()) {
                release(item);
            } else {
                sendQueue.addFirst(item);
            }
        }
        scheduleReconnect();
    }

    private void scheduleReconnect() {
        if (sendQueue.isEmpty()) {
            // Nothing waits: reconnect when the next batch comes, with a fresh budget.
            brokenSinceNanos = -1;
            reconnectAttempts = 0;
            return;
        }
        long brokenNanos = System.nanoTime() - brokenSinceNanos;
        long budget = config.reconnectMaxDuration().toNanos();
        if (brokenNanos >= budget) {
            failWaiting(brokenNanos);
            return;
        }
        long delay =
                Backoff.exponentialNanos(
                        config.reconnectInitialBackoff().toNanos(),
                        config.reconnectMaxBackoff().toNanos(),
                        reconnectAttempts++,
                        config.retryJitter());
        delay = Math.min(delay, budget - brokenNanos);
        reconnectScheduled = true;
        execute(
                () -> {
                    reconnectScheduled = false;
                    if (!closed && requests == null) {
                        if (sendQueue.isEmpty()) {
                            brokenSinceNanos = -1;
                            reconnectAttempts = 0;
                        } else {
                            openStream();
                        }
                    }
                },
                delay);
    }

    private void failWaiting(long brokenNanos) {
        Duration broken = Duration.ofNanos(brokenNanos);
        String message =
                "The sidecar at "
                        + config.endpoint()
                        + " was unreachable for "
                        + broken.toMillis()
                        + " ms ("
                        + reconnectAttempts
                        + " reconnect attempts; budget sidecar.client.reconnect.max-duration = "
                        + config.reconnectMaxDuration().toMillis()
                        + " ms); last error: "
                        + (lastBreak == null
                                ? "none"
                                : lastBreak.getCode() + " " + lastBreak.getDescription())
                        + ". Is the sidecar running on this host?";
        SidecarUnavailableException error =
                new SidecarUnavailableException(
                        message, broken, lastBreak == null ? null : lastBreak.asException());
        LOG.warn("{}: {} Failing {} waiting items.", name, message, sendQueue.size());
        while (!sendQueue.isEmpty()) {
            PendingItem item = sendQueue.poll();
            item.batch.onFailure(error);
            release(item);
        }
        brokenSinceNanos = -1;
        reconnectAttempts = 0;
    }

    // ------------------------------------------------------------------ lifecycle

    private void release(PendingItem item) {
        ownedItems.decrementAndGet();
    }

    /**
     * Cancels the stream, fails every batch still waiting with "the client is closed", and returns
     * the channel lease. Idempotent.
     */
    @Override
    public void close() {
        execute(
                () -> {
                    if (closed) {
                        return;
                    }
                    closed = true;
                    if (requests instanceof ClientCallStreamObserver) {
                        ((ClientCallStreamObserver<InferRequest>) requests)
                                .cancel("the client is closed", null);
                    } else if (requests != null) {
                        requests.onCompleted();
                    }
                    requests = null;
                    SidecarClientException error =
                            new SidecarClientException("the client is closed");
                    List<PendingItem> all = new ArrayList<>(sendQueue);
                    all.addAll(inFlight.values());
                    sendQueue.clear();
                    inFlight.clear();
                    for (PendingItem item : all) {
                        item.batch.onFailure(error);
                        release(item);
                    }
                });
        loop.shutdown();
        try {
            if (!loop.awaitTermination(5, TimeUnit.SECONDS)) {
                loop.shutdownNow();
            }
        } catch (InterruptedException e) {
            loop.shutdownNow();
            Thread.currentThread().interrupt();
        } finally {
            lease.close();
        }
    }

    private boolean execute(Runnable task) {
        try {
            loop.execute(guarded(task));
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    private void execute(Runnable task, long delayNanos) {
        try {
            loop.schedule(guarded(task), delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    private Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (Throwable t) {
                LOG.error("{}: unexpected error in the sidecar client's I/O thread", name, t);
            }
        };
    }

    private static long nanosToMillis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    /** Hands the stream's events to the I/O thread, tagged with the stream's generation. */
    private final class ResponseObserver implements StreamObserver<InferResponse> {
        private final int gen;

        ResponseObserver(int gen) {
            this.gen = gen;
        }

        @Override
        public void onNext(InferResponse response) {
            execute(() -> onResponse(gen, response));
        }

        @Override
        public void onError(Throwable t) {
            execute(() -> onBroken(gen, Status.fromThrowable(t)));
        }

        @Override
        public void onCompleted() {
            execute(
                    () ->
                            onBroken(
                                    gen,
                                    Status.UNAVAILABLE.withDescription(
                                            "the sidecar ended the Infer stream")));
        }
    }
}
