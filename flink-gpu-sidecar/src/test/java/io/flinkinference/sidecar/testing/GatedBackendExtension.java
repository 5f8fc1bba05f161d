package io.flinkinference.sidecar.testing;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Resets {@link GatedBackend} before each test and opens its gate after each, so that a failing
 * test never leaves a backend worker blocked. Use with {@code @ExtendWith}.
 */
public final class GatedBackendExtension implements BeforeEachCallback, AfterEachCallback {

    @Override
    public void beforeEach(ExtensionContext context) {
        GatedBackend.reset();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        GatedBackend.openGate();
    }
}
