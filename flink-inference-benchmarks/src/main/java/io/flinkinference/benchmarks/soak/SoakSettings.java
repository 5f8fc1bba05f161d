package io.flinkinference.benchmarks.soak;

import java.time.Duration;

/**
 * How long the soak runs and how it samples.
 *
 * @param duration the whole run
 * @param warmup samples before this are shown but not fitted
 * @param sampleEvery the sampling period
 * @param cycle each cycle opens fresh Infer streams (a stream reconnect) and drains them at its end
 * @param channelEvery every this many cycles the gRPC channel is replaced too (a channel reconnect)
 */
public record SoakSettings(
        Duration duration,
        Duration warmup,
        Duration sampleEvery,
        Duration cycle,
        int channelEvery) {

    /**
     * The settings of {@code bin/soak --minutes N}: 2 minutes of warm-up and a sample every 10 s
     * for runs of 10 minutes or more; shorter runs scale both down (a quarter of the run warms up,
     * at least 20 samples are fitted) so a leak still shows as a trend over the fitted span.
     */
    public static SoakSettings forMinutes(double minutes) {
        Duration duration = Duration.ofMillis((long) (minutes * 60_000));
        if (minutes >= 10) {
            return new SoakSettings(
                    duration,
                    Duration.ofMinutes(2),
                    Duration.ofSeconds(10),
                    Duration.ofSeconds(20),
                    3);
        }
        Duration warmup = duration.dividedBy(4);
        Duration sample =
                Duration.ofMillis(
                        Math.max(1000, Math.min(10_000, duration.minus(warmup).toMillis() / 20)));
        return new SoakSettings(duration, warmup, sample, Duration.ofSeconds(10), 3);
    }
}
