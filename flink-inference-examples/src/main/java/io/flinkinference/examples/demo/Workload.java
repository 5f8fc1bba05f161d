package io.flinkinference.examples.demo;

import io.flinkinference.sidecar.client.codec.TensorCodec;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

import java.io.PrintStream;

/**
 * What the demo sends and how it checks the answers: the generated records, their type, and a codec
 * that turns each answer into a checked {@link DemoResult}. One per kind of backend (the mock
 * backend's identity vectors today; a text-embedding workload for a real model fits the same
 * shape). Implementations are shipped with the job, so everything they return must be serializable.
 *
 * @param <T> the generated record type; it must carry its id and generation time into the result
 */
public interface Workload<T> {

    /** In words, for the demo's header, e.g. "64-element float32 vectors". */
    String description();

    /** Record {@code id} (0-based), stamped with {@link System#nanoTime()}. */
    GeneratorFunction<Long, T> generator();

    TypeInformation<T> type();

    /** Encodes a record and decodes + checks its answer. */
    TensorCodec<T, DemoResult> codec();

    /** What a {@link DemoResult#correct} answer means, for the summary's check line. */
    String correctness();

    /** Called once before the job starts, to reset what {@link #report} prints. */
    default void start(long records) {}

    /**
     * Prints what the workload's downstream step found (the text-embedding workload: the nearest
     * sentences of each query) and adds its checks. Nothing by default.
     */
    default void report(PrintStream out, long records, Checks checks) {}

    /** Where {@link #report} adds its checks to the summary's. */
    @FunctionalInterface
    interface Checks {
        void check(boolean passed, String what);
    }
}
