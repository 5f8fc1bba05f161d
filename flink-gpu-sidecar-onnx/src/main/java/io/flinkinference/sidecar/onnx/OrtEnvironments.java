package io.flinkinference.sidecar.onnx;

import ai.onnxruntime.OrtEnvironment;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The process-wide {@link OrtEnvironment}, created on a thread with a large stack.
 *
 * <p>Why: while it creates its environment, ONNX Runtime 1.29.0 on Linux reads {@code
 * /proc/self/cmdline} and matches it with a recursive {@code std::regex} (its device-info code).
 * The recursion needs roughly 250 bytes of native stack per character of the command line, so on a
 * thread with the JVM's default 1 MiB stack a command line longer than about 4 KiB (an ordinary
 * {@code java -cp <40 jars> ...} launch) overflows the stack and the JVM dies with SIGSEGV, without
 * an error report. Creating the environment once on a thread with {@value #INIT_STACK_MIB} MiB of
 * (reserved, mostly untouched) stack covers command lines up to the kernel's argument limits. Later
 * calls reuse the environment and are not affected.
 *
 * <p>Thread-safe; the first caller creates the environment, the others wait for it.
 */
public final class OrtEnvironments {

    static final int INIT_STACK_MIB = 512;

    private static final Object LOCK = new Object();
    private static volatile OrtEnvironment environment;

    /**
     * The environment, created on first use.
     *
     * @throws IllegalStateException if ONNX Runtime cannot be loaded on this platform
     */
    public static OrtEnvironment get() {
        OrtEnvironment env = environment;
        if (env != null) {
            return env;
        }
        synchronized (LOCK) {
            if (environment == null) {
                environment = createOnLargeStack();
            }
            return environment;
        }
    }

    private static OrtEnvironment createOnLargeStack() {
        AtomicReference<OrtEnvironment> created = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread init =
                new Thread(
                        null,
                        () -> {
                            try {
                                created.set(OrtEnvironment.getEnvironment());
                            } catch (Throwable t) {
                                failure.set(t);
                            }
                        },
                        "onnxruntime-init",
                        (long) INIT_STACK_MIB << 20);
        init.setDaemon(true);
        init.start();
        boolean interrupted = false;
        while (true) {
            try {
                init.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure.get() != null) {
            throw new IllegalStateException(
                    "ONNX Runtime could not be loaded: " + failure.get(), failure.get());
        }
        return created.get();
    }

    private OrtEnvironments() {}
}
