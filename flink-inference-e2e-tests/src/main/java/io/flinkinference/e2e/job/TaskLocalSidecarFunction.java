package io.flinkinference.e2e.job;

import io.flinkinference.asyncbatch.RichAsyncBatchFunction;
import io.flinkinference.sidecar.client.SidecarBatchFunction;
import io.flinkinference.sidecar.client.SidecarClientException;
import io.flinkinference.sidecar.client.SidecarClientOptions;
import io.flinkinference.sidecar.client.SidecarItemException;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.ConfigConstants;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.async.CollectionSupplier;
import org.apache.flink.streaming.api.functions.async.ResultFuture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Calls the sidecar of the TaskManager this subtask runs on.
 *
 * <p>{@link SidecarBatchFunction}'s endpoint is fixed when the job graph is built, but in a cluster
 * each TaskManager has its own sidecar. So this function builds the {@link SidecarBatchFunction}
 * only in {@link #open}, on the TaskManager, from the TaskManager's own Flink configuration (the
 * {@code config.yaml} in {@code $FLINK_CONF_DIR}, where {@code sidecar.client.endpoint} and any
 * other {@code sidecar.client.*} option is set per host), hands it this function's runtime context,
 * and delegates every call to it.
 *
 * <p>Two test switches change what failures become:
 *
 * <ul>
 *   <li>{@code fallbackOnTimeout}: a batch that times out stops being resent and completes with one
 *       {@code i,TIMEOUT} line per input (instead of failing the job);
 *   <li>{@code errorsAsRecords}: a batch of one record that the sidecar answers with an error
 *       completes with one {@code i,ERROR,<code>} line (instead of failing the job). Use with
 *       {@code maxBatchSize = 1}, so that an error names exactly one record.
 * </ul>
 *
 * <p>Thread-safety: as {@link SidecarBatchFunction}.
 */
public final class TaskLocalSidecarFunction extends RichAsyncBatchFunction<Long, String> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(TaskLocalSidecarFunction.class);
    private static final Pattern LAST_ERROR = Pattern.compile("last error: ([A-Z_]+)");

    private final Settings settings;

    private transient Delegate delegate;
    private transient Counter timeoutFallbacks;
    private transient Counter errorRecords;

    public TaskLocalSidecarFunction(Settings settings) {
        this.settings = settings;
    }

    /** The job's choices; the endpoint is not among them, it is the TaskManager's. */
    public static final class Settings implements Serializable {
        private static final long serialVersionUID = 1L;

        public boolean badInput;
        public boolean fallbackOnTimeout;
        public boolean errorsAsRecords;

        /** 0: the TaskManager's (or the client's default) setting. */
        public long requestTimeoutMs;

        public long retryBudgetMs;
        public long reconnectBudgetMs;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        String confDir = System.getenv(ConfigConstants.ENV_FLINK_CONF_DIR);
        Configuration taskManagerConfig =
                confDir == null
                        ? new Configuration()
                        : GlobalConfiguration.loadConfiguration(confDir);
        SidecarBatchFunction.Builder<Long, String> builder =
                SidecarBatchFunction.builder(new EchoCodec(settings.badInput))
                        .configure(taskManagerConfig)
                        .returns(Types.STRING);
        if (settings.requestTimeoutMs > 0) {
            builder.requestTimeout(Duration.ofMillis(settings.requestTimeoutMs));
        }
        if (settings.retryBudgetMs > 0) {
            builder.retryBudget(Duration.ofMillis(settings.retryBudgetMs));
        }
        if (settings.reconnectBudgetMs > 0) {
            builder.reconnectBudget(Duration.ofMillis(settings.reconnectBudgetMs));
        }
        delegate = new Delegate(builder.build());
        delegate.setRuntimeContext(getRuntimeContext());
        delegate.open(openContext);
        timeoutFallbacks = getRuntimeContext().getMetricGroup().counter("e2eTimeoutFallbacks");
        errorRecords = getRuntimeContext().getMetricGroup().counter("e2eErrorRecords");
        LOG.info(
                "e2e: {} calls the sidecar at {} (sidecar.client.endpoint of {})",
                getRuntimeContext().getTaskInfo().getTaskNameWithSubtasks(),
                taskManagerConfig.get(SidecarClientOptions.ENDPOINT),
                confDir);
    }

    @Override
    public void asyncInvokeBatch(List<Long> inputs, ResultFuture<String> resultFuture)
            throws Exception {
        delegate.asyncInvokeBatch(
                inputs,
                settings.errorsAsRecords
                        ? new ErrorsAsRecords(inputs, resultFuture)
                        : resultFuture);
    }

    @Override
    public void timeout(List<Long> inputs, ResultFuture<String> resultFuture) throws Exception {
        if (!settings.fallbackOnTimeout) {
            delegate.timeout(inputs, resultFuture);
            return;
        }
        delegate.giveUp(inputs);
        List<String> fallbacks = new ArrayList<>(inputs.size());
        for (Long i : inputs) {
            fallbacks.add(E2eRecords.line(i, E2eRecords.TIMEOUT));
        }
        timeoutFallbacks.inc(inputs.size());
        resultFuture.complete(fallbacks);
    }

    @Override
    public void close() throws Exception {
        if (delegate != null) {
            delegate.close();
            delegate = null;
        }
    }

    /** The client, with its "stop resending this batch" made reachable. */
    private static final class Delegate extends SidecarBatchFunction<Long, String> {
        private static final long serialVersionUID = 1L;

        Delegate(SidecarBatchFunction<Long, String> template) {
            super(template);
        }

        void giveUp(List<Long> inputs) {
            abandon(inputs);
        }
    }

    /** Turns the sidecar's error for a one-record batch into that record's {@code ERROR} line. */
    private final class ErrorsAsRecords implements ResultFuture<String> {
        private final List<Long> inputs;
        private final ResultFuture<String> target;

        ErrorsAsRecords(List<Long> inputs, ResultFuture<String> target) {
            this.inputs = inputs;
            this.target = target;
        }

        @Override
        public void complete(Collection<String> result) {
            target.complete(result);
        }

        @Override
        public void complete(CollectionSupplier<String> supplier) {
            target.complete(supplier);
        }

        @Override
        public void completeExceptionally(Throwable error) {
            if (inputs.size() == 1 && error instanceof SidecarClientException) {
                String detail;
                if (error instanceof SidecarItemException) {
                    detail = ((SidecarItemException) error).getCode();
                } else {
                    // e.g. SidecarUnavailableException(RESOURCE_EXHAUSTED): the exception and the
                    // gRPC code of the last stream break its message names.
                    Matcher code = LAST_ERROR.matcher(String.valueOf(error.getMessage()));
                    detail =
                            error.getClass().getSimpleName()
                                    + (code.find() ? "(" + code.group(1) + ")" : "");
                }
                LOG.info("e2e: record {} answered with an error: {}", inputs.get(0), detail);
                errorRecords.inc();
                target.complete(List.of(E2eRecords.line(inputs.get(0), E2eRecords.ERROR, detail)));
            } else {
                target.completeExceptionally(error);
            }
        }
    }
}
