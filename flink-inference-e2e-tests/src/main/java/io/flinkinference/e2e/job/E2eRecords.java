package io.flinkinference.e2e.job;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The records of the end-to-end job: record {@code i} is sent to the sidecar as {@link
 * #payload(long, boolean)} and written to the output as one line {@code i,STATUS[,detail]}.
 *
 * <p>Statuses: {@link #OK} (the mock/stall backends echoed the payload byte for byte), {@link
 * #MISMATCH} (an answer that is not the echo), {@link #TIMEOUT} (the operator's timeout handler
 * emitted a fallback), {@link #ERROR} (the sidecar answered the item with an error; the detail is
 * the {@code google.rpc.Code} name, or the client's exception class).
 *
 * <p>Bad input (test 5) is chosen by index, so the test knows what to expect of every record:
 * {@link #isRejected(long)} payloads start with {@code FAIL} (the mock backend answers {@code
 * INTERNAL}), {@link #isEmpty(long)} payloads are empty, {@link #isOversized(long)} payloads are
 * larger than the sidecar's {@code sidecar.rpc.max-message-size}.
 */
public final class E2eRecords {

    public static final String OK = "OK";
    public static final String MISMATCH = "MISMATCH";
    public static final String TIMEOUT = "TIMEOUT";
    public static final String ERROR = "ERROR";

    /** Larger than the sidecar's default 4 MiB inbound message limit. */
    public static final int OVERSIZED_BYTES = 5 * 1024 * 1024;

    private E2eRecords() {}

    public static boolean isRejected(long i) {
        return i % 50 == 7;
    }

    public static boolean isEmpty(long i) {
        return i % 50 == 13;
    }

    public static boolean isOversized(long i) {
        return i % 250 == 101;
    }

    /** The request payload of record {@code i}. */
    public static byte[] payload(long i, boolean badInput) {
        if (badInput) {
            if (isRejected(i)) {
                return ("FAIL-" + i).getBytes(StandardCharsets.US_ASCII);
            }
            if (isEmpty(i)) {
                return new byte[0];
            }
            if (isOversized(i)) {
                byte[] big = new byte[OVERSIZED_BYTES];
                Arrays.fill(big, (byte) 'x');
                return big;
            }
        }
        return ("record-" + i).getBytes(StandardCharsets.US_ASCII);
    }

    public static String line(long i, String status) {
        return i + "," + status;
    }

    public static String line(long i, String status, String detail) {
        return i + "," + status + "," + detail;
    }
}
