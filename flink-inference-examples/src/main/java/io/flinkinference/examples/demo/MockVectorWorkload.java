package io.flinkinference.examples.demo;

import io.flinkinference.sidecar.client.codec.TensorCodec;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * Deterministic float32 vectors for the mock backend, whose answer must equal its input; {@link
 * CheckingVectorCodec} compares each answer with its vector.
 */
public final class MockVectorWorkload implements Workload<DemoRecord> {

    private final int dimension;

    public MockVectorWorkload(int dimension) {
        this.dimension = dimension;
    }

    @Override
    public String description() {
        return dimension + "-element float32 vectors";
    }

    @Override
    public GeneratorFunction<Long, DemoRecord> generator() {
        int dim = dimension;
        return id -> new DemoRecord(id, System.nanoTime(), DemoRecord.vectorOf(id, dim));
    }

    @Override
    public TypeInformation<DemoRecord> type() {
        return TypeInformation.of(DemoRecord.class);
    }

    @Override
    public TensorCodec<DemoRecord, DemoResult> codec() {
        return new CheckingVectorCodec();
    }

    @Override
    public String correctness() {
        return "every answer equals its input, as the mock backend (identity) must return";
    }
}
