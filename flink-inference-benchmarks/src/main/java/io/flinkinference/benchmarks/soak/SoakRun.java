package io.flinkinference.benchmarks.soak;

import io.flinkinference.benchmarks.sidecar.CounterMatch;
import io.flinkinference.benchmarks.sidecar.InferLoad;
import io.flinkinference.benchmarks.sidecar.SidecarUnderTest;
import io.flinkinference.sidecar.api.v1.InferRequest;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The soak: one sidecar (mock backend) under steady mixed load for the whole run, sampled for
 * leaks. The load is a mix of successes, failures (mock {@code FAIL} payloads), expiries (requests
 * with {@code timeout_ms = 1}), rejections (offered above capacity into a short queue), and client
 * reconnects (fresh streams every cycle, a fresh channel every few cycles).
 */
public final class SoakRun {

    static final Duration FIXED = Duration.ofMillis(20);
    static final Duration PER_ITEM = Duration.ofNanos(500_000);
    static final int BATCH = 32;
    static final int WORKERS = 2;
    static final int QUEUE = 128;
    static final int STREAMS = 4;
    static final int WINDOW = 128;
    static final double OVERLOAD = 1.25;

    /** What the soak found. */
    public record Result(
            SoakSettings settings,
            List<ProcessSample> samples,
            List<GrowthFit> fits,
            InferLoad.Counts client,
            CounterMatch counters,
            long unanswered,
            long streamErrors,
            int streamsOpened,
            int channelsOpened,
            double offeredPerSecond) {

        public static final double MAX_GROWTH = 0.02;

        public boolean leakFree() {
            return fits.stream().allMatch(f -> f.growth() < MAX_GROWTH);
        }

        public boolean passed() {
            return leakFree() && counters.matches() && unanswered == 0 && streamErrors == 0;
        }
    }

    private SoakRun() {}

    public static double capacity() {
        return SidecarUnderTest.mockLimit(FIXED, PER_ITEM, BATCH, WORKERS);
    }

    public static Result run(SoakSettings settings, Consumer<ProcessSample> onSample)
            throws Exception {
        Map<String, String> config =
                SidecarUnderTest.mock(FIXED, PER_ITEM, BATCH, Duration.ofMillis(5), WORKERS);
        config.put("sidecar.queue.max-length", Integer.toString(QUEUE));
        double rate = OVERLOAD * capacity();
        List<ProcessSample> samples = new CopyOnWriteArrayList<>();
        InferLoad.Counts client = new InferLoad.Counts();
        long unanswered = 0;
        long streamErrors = 0;
        int streams = 0;
        int channels = 0;
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        // A fixed pool for the clients' callbacks: gRPC's default cached pool would add and retire
        // threads with the load's ups and downs, which the thread samples would show as noise.
        ExecutorService callbacks = Executors.newFixedThreadPool(STREAMS);
        try (SidecarUnderTest sidecar = SidecarUnderTest.start(config)) {
            long start = System.nanoTime();
            sampler.scheduleAtFixedRate(
                    () -> {
                        ProcessSample s = ProcessSample.take((System.nanoTime() - start) / 1e9);
                        samples.add(s);
                        onSample.accept(s);
                    },
                    0,
                    settings.sampleEvery().toMillis(),
                    TimeUnit.MILLISECONDS);
            ManagedChannel channel = null;
            for (int cycle = 0; ; cycle++) {
                Duration left = settings.duration().minusNanos(System.nanoTime() - start);
                if (left.toMillis() < 500) {
                    break;
                }
                if (cycle % settings.channelEvery() == 0) {
                    close(channel);
                    channel =
                            NettyChannelBuilder.forAddress("127.0.0.1", sidecar.server().port())
                                    .usePlaintext()
                                    .executor(callbacks)
                                    .build();
                    channels++;
                }
                Duration length = left.compareTo(settings.cycle()) < 0 ? left : settings.cycle();
                InferLoad.Result r =
                        InferLoad.run(
                                channel,
                                new InferLoad.Spec(
                                        STREAMS,
                                        WINDOW,
                                        rate,
                                        Duration.ZERO,
                                        length,
                                        SoakRun::mix));
                client.addAll(r.total());
                unanswered += r.unanswered();
                streamErrors += r.streamErrors();
                streams += STREAMS;
            }
            close(channel);
            sampler.shutdown();
            sampler.awaitTermination(1, TimeUnit.MINUTES);
            CounterMatch counters = CounterMatch.of(sidecar.metrics(), client);
            return new Result(
                    settings,
                    List.copyOf(samples),
                    fits(samples, settings.warmup()),
                    client,
                    counters,
                    unanswered,
                    streamErrors,
                    streams,
                    channels,
                    rate);
        } finally {
            sampler.shutdownNow();
            callbacks.shutdownNow();
        }
    }

    private static final ByteString OK = ByteString.copyFrom(new byte[64]);
    private static final ByteString FAIL =
            ByteString.copyFrom("FAIL: deliberate soak failure", StandardCharsets.US_ASCII);

    /** 1 in 20 requests fails in the backend, 1 in 20 expires in the queue, the rest succeed. */
    static InferRequest.Builder mix(long seq) {
        InferRequest.Builder b = InferRequest.newBuilder();
        if (seq % 20 == 7) {
            return b.setPayload(FAIL);
        }
        if (seq % 20 == 13) {
            return b.setPayload(OK).setTimeoutMs(1);
        }
        return b.setPayload(OK);
    }

    static List<GrowthFit> fits(List<ProcessSample> samples, Duration warmup) {
        List<ProcessSample> fitted =
                samples.stream().filter(s -> s.seconds() >= warmup.toSeconds()).toList();
        List<Double> x = fitted.stream().map(ProcessSample::seconds).toList();
        List<GrowthFit> fits = new ArrayList<>();
        for (int m = 0; m < ProcessSample.METRICS.size(); m++) {
            int metric = m;
            fits.add(GrowthFit.of(x, fitted.stream().map(s -> s.value(metric)).toList()));
        }
        return fits;
    }

    private static void close(ManagedChannel channel) throws InterruptedException {
        if (channel != null) {
            channel.shutdown();
            if (!channel.awaitTermination(10, TimeUnit.SECONDS)) {
                channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            }
        }
    }
}
