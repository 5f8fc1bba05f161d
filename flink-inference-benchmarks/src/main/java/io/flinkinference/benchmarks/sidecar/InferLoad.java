package io.flinkinference.benchmarks.sidecar;

import io.flinkinference.benchmarks.harness.Latency;
import io.flinkinference.sidecar.api.v1.InferRequest;
import io.flinkinference.sidecar.api.v1.InferResponse;
import io.flinkinference.sidecar.api.v1.InferenceSidecarGrpc;

import com.google.protobuf.ByteString;
import com.google.rpc.Code;
import io.grpc.Channel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The load generator of the sidecar scenarios and the soak: {@code streams} concurrent Infer bidi
 * streams, each with at most {@code window} requests outstanding (closed loop), paced to a total
 * offered rate (0: as fast as the window allows). Every request's answer is matched to its id, so a
 * missing or duplicate answer is counted, and latencies are recorded per outcome from send to
 * answer.
 */
public final class InferLoad {

    /** What request {@code seq} of a stream carries. */
    @FunctionalInterface
    public interface RequestMaker {
        InferRequest.Builder make(long seq);

        /** A fixed payload of {@code bytes} bytes, no per-request timeout. */
        static RequestMaker fixed(int bytes) {
            InferRequest.Builder template =
                    InferRequest.newBuilder().setPayload(ByteString.copyFrom(new byte[bytes]));
            return seq -> template.clone();
        }
    }

    /**
     * @param streams concurrent Infer streams
     * @param window most requests outstanding per stream
     * @param ratePerSecond total offered rate over all streams; 0 paces nothing
     * @param warmup sent and answered but not counted in the window figures
     * @param window how long the measured part lasts
     */
    public record Spec(
            int streams,
            int windowPerStream,
            double ratePerSecond,
            Duration warmup,
            Duration window,
            RequestMaker requests) {}

    /** The client's view of one run. */
    public static final class Counts {
        final LongAdder sent = new LongAdder();
        final LongAdder succeeded = new LongAdder();
        final LongAdder rejected = new LongAdder();
        final LongAdder expired = new LongAdder();
        final LongAdder failed = new LongAdder();
        final LongAdder otherErrors = new LongAdder();
        final LongAdder duplicates = new LongAdder();

        public long sent() {
            return sent.sum();
        }

        public long succeeded() {
            return succeeded.sum();
        }

        public long rejected() {
            return rejected.sum();
        }

        public long expired() {
            return expired.sum();
        }

        public long failed() {
            return failed.sum();
        }

        public long otherErrors() {
            return otherErrors.sum();
        }

        public long duplicates() {
            return duplicates.sum();
        }

        /** Adds {@code other}'s counts to these (the soak sums its cycles). */
        public void addAll(Counts other) {
            sent.add(other.sent());
            succeeded.add(other.succeeded());
            rejected.add(other.rejected());
            expired.add(other.expired());
            failed.add(other.failed());
            otherErrors.add(other.otherErrors());
            duplicates.add(other.duplicates());
        }

        public long answered() {
            return succeeded() + rejected() + expired() + failed() + otherErrors();
        }
    }

    /**
     * What one run measured.
     *
     * @param total counts over the whole run, warm-up included, after every stream drained
     * @param unanswered requests that got no answer before their stream was closed
     * @param windowSucceededPerSecond successes per second during the measured window
     * @param windowSentPerSecond requests sent per second during the measured window
     * @param success latency of successful answers sent during the window
     * @param rejection latency of RESOURCE_EXHAUSTED answers sent during the window
     * @param streamErrors streams that ended with an error instead of completing
     */
    public record Result(
            Counts total,
            long unanswered,
            double windowSucceededPerSecond,
            double windowSentPerSecond,
            double windowRejectedShare,
            Latency.Summary success,
            Latency.Summary rejection,
            long streamErrors) {

        /** Every request sent got exactly one answer and every stream ended cleanly. */
        public boolean exactlyOneAnswerEach() {
            return unanswered == 0
                    && total.duplicates() == 0
                    && total.sent() == total.answered()
                    && streamErrors == 0;
        }
    }

    private InferLoad() {}

    /** Runs {@code spec} on {@code channel} and drains every stream before returning. */
    public static Result run(Channel channel, Spec spec) throws InterruptedException {
        Counts counts = new Counts();
        Latency success = new Latency();
        Latency rejection = new Latency();
        AtomicReference<Boolean> stop = new AtomicReference<>(false);
        List<Driver> drivers = new ArrayList<>();
        for (int i = 0; i < spec.streams(); i++) {
            drivers.add(new Driver(channel, spec, counts, success, rejection, stop, i));
        }
        drivers.forEach(Driver::start);
        pace(spec.warmup());
        success.reset();
        rejection.reset();
        long sent0 = counts.sent();
        long ok0 = counts.succeeded();
        long rej0 = counts.rejected();
        long t0 = System.nanoTime();
        pace(spec.window());
        long sent1 = counts.sent();
        long ok1 = counts.succeeded();
        long rej1 = counts.rejected();
        double seconds = (System.nanoTime() - t0) / 1e9;
        Latency.Summary okLatency = success.summary();
        Latency.Summary rejLatency = rejection.summary();
        stop.set(true);
        long unanswered = 0;
        long streamErrors = 0;
        for (Driver d : drivers) {
            d.finish();
            unanswered += d.pending.size();
            streamErrors += d.error.get() != null ? 1 : 0;
        }
        long answeredInWindow = Math.max(1, (ok1 - ok0) + (rej1 - rej0));
        return new Result(
                counts,
                unanswered,
                (ok1 - ok0) / seconds,
                (sent1 - sent0) / seconds,
                (double) (rej1 - rej0) / answeredInWindow,
                okLatency,
                rejLatency,
                streamErrors);
    }

    /** Lets the load run (pacing the measurement, not synchronising with it). */
    private static void pace(Duration duration) throws InterruptedException {
        Thread.sleep(duration.toMillis());
    }

    /** One stream: a sender thread and the response observer matching answers to ids. */
    private static final class Driver
            implements ClientResponseObserver<InferRequest, InferResponse> {
        private static final double MAX_BACKLOG_SECONDS = 0.05;
        private static final long MIN_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

        private final Spec spec;
        private final Counts counts;
        private final Latency success;
        private final Latency rejection;
        private final AtomicReference<Boolean> stop;
        private final Semaphore permits;
        private final Map<Long, Long> pending = new ConcurrentHashMap<>();
        private final AtomicReference<Throwable> error = new AtomicReference<>();
        private final CountDownLatch closed = new CountDownLatch(1);
        private final AtomicLong nextId = new AtomicLong();
        private final Object ready = new Object();
        private final StreamObserver<InferRequest> requests;
        private volatile ClientCallStreamObserver<InferRequest> call;
        private final Thread sender;

        Driver(
                Channel channel,
                Spec spec,
                Counts counts,
                Latency success,
                Latency rejection,
                AtomicReference<Boolean> stop,
                int index) {
            this.spec = spec;
            this.counts = counts;
            this.success = success;
            this.rejection = rejection;
            this.stop = stop;
            this.permits = new Semaphore(spec.windowPerStream());
            this.requests = InferenceSidecarGrpc.newStub(channel).infer(this);
            this.sender = new Thread(this::send, "infer-load-" + index);
            this.sender.setDaemon(true);
        }

        void start() {
            sender.start();
        }

        private void send() {
            double perStream = spec.ratePerSecond() / spec.streams();
            long maxBacklog = Math.max(1, (long) (perStream * MAX_BACKLOG_SECONDS));
            long start = System.nanoTime();
            long sentHere = 0;
            try {
                while (!stop.get() && error.get() == null) {
                    if (perStream > 0) {
                        long due = (long) ((System.nanoTime() - start) * perStream / 1e9);
                        if (sentHere >= due) {
                            LockSupport.parkNanos(MIN_PARK_NANOS);
                            continue;
                        }
                        // Behind schedule (a slow machine): drop the backlog beyond a bound
                        // rather than bursting.
                        sentHere = Math.max(sentHere, due - maxBacklog);
                    }
                    if (!awaitReady() || !permits.tryAcquire(50, TimeUnit.MILLISECONDS)) {
                        continue;
                    }
                    long id = nextId.getAndIncrement();
                    InferRequest request = spec.requests().make(id).setRequestId(id).build();
                    pending.put(id, System.nanoTime());
                    counts.sent.increment();
                    sentHere++;
                    requests.onNext(request);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                error.compareAndSet(null, e);
            }
        }

        /** gRPC flow control: waits (briefly) until the transport takes more requests. */
        private boolean awaitReady() throws InterruptedException {
            synchronized (ready) {
                if (!call.isReady()) {
                    ready.wait(10);
                }
                return call.isReady();
            }
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<InferRequest> requestStream) {
            this.call = requestStream;
            requestStream.setOnReadyHandler(
                    () -> {
                        synchronized (ready) {
                            ready.notifyAll();
                        }
                    });
        }

        @Override
        public void onNext(InferResponse response) {
            Long sentAt = pending.remove(response.getRequestId());
            if (sentAt == null) {
                counts.duplicates.increment();
                return;
            }
            long nanos = System.nanoTime() - sentAt;
            if (response.hasPayload()) {
                counts.succeeded.increment();
                success.recordNanos(nanos);
            } else {
                int code = response.getError().getCode();
                if (code == Code.RESOURCE_EXHAUSTED_VALUE) {
                    counts.rejected.increment();
                    rejection.recordNanos(nanos);
                } else if (code == Code.DEADLINE_EXCEEDED_VALUE) {
                    counts.expired.increment();
                } else if (code == Code.INTERNAL_VALUE) {
                    counts.failed.increment();
                } else {
                    counts.otherErrors.increment();
                }
            }
            permits.release();
        }

        @Override
        public void onError(Throwable t) {
            error.compareAndSet(null, t);
            closed.countDown();
        }

        @Override
        public void onCompleted() {
            closed.countDown();
        }

        /** Stops sending, waits for the outstanding answers, half-closes, waits for the end. */
        void finish() throws InterruptedException {
            sender.join();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!pending.isEmpty() && error.get() == null && System.nanoTime() < deadline) {
                permits.tryAcquire(spec.windowPerStream(), 10, TimeUnit.MILLISECONDS);
            }
            if (error.get() == null) {
                requests.onCompleted();
            }
            closed.await(10, TimeUnit.SECONDS);
        }
    }
}
