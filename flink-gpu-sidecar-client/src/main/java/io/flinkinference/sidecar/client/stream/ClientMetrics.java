package io.flinkinference.sidecar.client.stream;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

import com.google.rpc.Code;

import java.util.EnumMap;
import java.util.Map;

/**
 * The client's metrics in the function's metric group: counters {@value #REQUESTS_SENT}, {@value
 * #RESPONSES_OK}, {@code responsesError_<CODE>} (registered when a code is first seen), {@value
 * #RESENDS}, {@value #RECONNECTS}, and the histogram {@value #ROUND_TRIP_US}.
 *
 * <p>Thread-safety: updated only from one connection's I/O thread; read by metric reporters from
 * any thread (Flink's usual contract for counters).
 */
public final class ClientMetrics {

    public static final String REQUESTS_SENT = "requestsSent";
    public static final String RESPONSES_OK = "responsesOk";
    public static final String RESPONSES_ERROR_PREFIX = "responsesError_";
    public static final String RESENDS = "resends";
    public static final String RECONNECTS = "reconnects";
    public static final String ROUND_TRIP_US = "roundTripUs";

    private static final int HISTOGRAM_WINDOW = 4096;

    private final MetricGroup group;
    final Counter requestsSent;
    final Counter responsesOk;
    final Counter resends;
    final Counter reconnects;
    final Histogram roundTripUs;
    private final Map<Code, Counter> errors = new EnumMap<>(Code.class);

    public ClientMetrics(MetricGroup group) {
        this.group = group;
        this.requestsSent = group.counter(REQUESTS_SENT, new SimpleCounter());
        this.responsesOk = group.counter(RESPONSES_OK, new SimpleCounter());
        this.resends = group.counter(RESENDS, new SimpleCounter());
        this.reconnects = group.counter(RECONNECTS, new SimpleCounter());
        this.roundTripUs =
                group.histogram(
                        ROUND_TRIP_US, new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
    }

    /** The counter {@code responsesError_<CODE>}, registered on first use. */
    Counter error(Code code) {
        return errors.computeIfAbsent(
                code, c -> group.counter(RESPONSES_ERROR_PREFIX + c.name(), new SimpleCounter()));
    }

    public long requestsSent() {
        return requestsSent.getCount();
    }

    public long responsesOk() {
        return responsesOk.getCount();
    }

    public long resends() {
        return resends.getCount();
    }

    public long reconnects() {
        return reconnects.getCount();
    }
}
