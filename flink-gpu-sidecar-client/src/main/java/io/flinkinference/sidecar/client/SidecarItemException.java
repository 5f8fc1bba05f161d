package io.flinkinference.sidecar.client;

/**
 * The sidecar answered one item of a batch with a non-retryable error (anything but {@code
 * RESOURCE_EXHAUSTED} and {@code UNAVAILABLE}), e.g. {@code INVALID_ARGUMENT} for a malformed
 * tensor or {@code INTERNAL} for a backend failure. The message reads "The sidecar failed item 3 of
 * a batch of 32 with INTERNAL: &lt;the sidecar's message&gt;". Immutable.
 */
public class SidecarItemException extends SidecarClientException {

    private static final long serialVersionUID = 1L;

    private final int itemIndex;
    private final String code;
    private final String sidecarMessage;

    public SidecarItemException(int itemIndex, int batchSize, String code, String sidecarMessage) {
        super(
                "The sidecar failed item "
                        + itemIndex
                        + " of a batch of "
                        + batchSize
                        + " with "
                        + code
                        + ": "
                        + sidecarMessage);
        this.itemIndex = itemIndex;
        this.code = code;
        this.sidecarMessage = sidecarMessage;
    }

    /** The index of the failed item in its batch (0-based, the batch's input order). */
    public int getItemIndex() {
        return itemIndex;
    }

    /** The {@code google.rpc.Code} name, e.g. {@code INTERNAL}. */
    public String getCode() {
        return code;
    }

    /** The sidecar's own message for the item. */
    public String getSidecarMessage() {
        return sidecarMessage;
    }
}
