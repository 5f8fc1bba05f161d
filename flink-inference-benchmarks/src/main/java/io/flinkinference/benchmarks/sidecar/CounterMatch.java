package io.flinkinference.benchmarks.sidecar;

import io.flinkinference.sidecar.metrics.SidecarMetrics;

import java.util.ArrayList;
import java.util.List;

/**
 * The sidecar's counters against the client's view of the same requests: each outcome counted once
 * on each side, and the same number on both.
 */
public record CounterMatch(List<String> mismatches) {

    public static CounterMatch of(SidecarMetrics server, InferLoad.Counts client) {
        List<String> m = new ArrayList<>();
        compare(m, "received vs sent", server.requestsReceived(), client.sent());
        compare(m, "succeeded", server.requestsSucceeded(), client.succeeded());
        compare(m, "rejected", server.requestsRejected(), client.rejected());
        compare(m, "expired", server.requestsExpired(), client.expired());
        compare(m, "failed", server.requestsFailed(), client.failed());
        compare(m, "client errors of other codes", 0, client.otherErrors());
        compare(m, "duplicate answers", 0, client.duplicates());
        return new CounterMatch(List.copyOf(m));
    }

    private static void compare(List<String> out, String what, long server, long client) {
        if (server != client) {
            out.add(what + ": sidecar " + server + ", client " + client);
        }
    }

    public boolean matches() {
        return mismatches.isEmpty();
    }

    @Override
    public String toString() {
        return matches() ? "sidecar counters == client counters" : String.join("; ", mismatches);
    }
}
