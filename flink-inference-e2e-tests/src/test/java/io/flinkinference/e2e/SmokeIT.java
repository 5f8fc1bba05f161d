package io.flinkinference.e2e;

import io.flinkinference.e2e.cluster.DistributedCluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SmokeIT {
    @RegisterExtension static final DistributedCluster CLUSTER = new DistributedCluster(2);

    @Test
    void runs() throws Exception {
        Path out = CLUSTER.newOutputDir("smoke");
        String job =
                CLUSTER.submit(
                        List.of("--records", "500", "--rate", "250", "--output", out.toString()),
                        2);
        String state = CLUSTER.rest().awaitTerminal(job, Duration.ofMinutes(2));
        CommittedOutput o = CommittedOutput.read(out, 500);
        System.out.println("smoke: " + state + " " + o);
        assertThat(state).isEqualTo("FINISHED");
        assertThat(o.exactlyOnce()).isTrue();
    }
}
