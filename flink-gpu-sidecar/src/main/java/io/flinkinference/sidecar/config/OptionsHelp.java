package io.flinkinference.sidecar.config;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.description.Formatter;
import org.apache.flink.util.TimeUtils;

import java.time.Duration;
import java.util.Collection;
import java.util.EnumSet;

/**
 * Renders {@link ConfigOption}s as plain text for {@code --help}: key, default and description, all
 * generated from the options themselves. Stateless; thread-safe.
 */
public final class OptionsHelp {

    private OptionsHelp() {}

    /** Appends one block per option to {@code out}. */
    public static void render(Collection<? extends ConfigOption<?>> options, StringBuilder out) {
        for (ConfigOption<?> option : options) {
            out.append("  ").append(option.key()).append("\n");
            out.append("      default: ").append(defaultText(option)).append("\n");
            String description = new PlainTextFormatter().format(option.description());
            for (String line : wrap(description, 90).split("\n")) {
                out.append("      ").append(line).append("\n");
            }
        }
    }

    /** The default value as it would be written in YAML, or {@code (none)}. */
    public static String defaultText(ConfigOption<?> option) {
        if (!option.hasDefaultValue()) {
            return "(none)";
        }
        Object value = option.defaultValue();
        if (value instanceof Duration d) {
            return TimeUtils.formatWithHighestUnit(d);
        }
        if (value instanceof MemorySize m) {
            return m.toString();
        }
        return String.valueOf(value);
    }

    private static String wrap(String text, int width) {
        StringBuilder out = new StringBuilder();
        for (String paragraph : text.split("\n")) {
            int column = 0;
            for (String word : paragraph.split(" ")) {
                if (column > 0 && column + 1 + word.length() > width) {
                    out.append("\n");
                    column = 0;
                } else if (column > 0) {
                    out.append(' ');
                    column++;
                }
                out.append(word);
                column += word.length();
            }
            out.append("\n");
        }
        return out.toString().stripTrailing();
    }

    /** Flink descriptions as plain text. */
    private static final class PlainTextFormatter extends Formatter {
        @Override
        protected void formatLink(StringBuilder state, String link, String description) {
            state.append(description).append(" (").append(link).append(')');
        }

        @Override
        protected void formatLineBreak(StringBuilder state) {
            state.append('\n');
        }

        @Override
        protected void formatText(
                StringBuilder state,
                String format,
                String[] elements,
                EnumSet<org.apache.flink.configuration.description.TextElement.TextStyle> styles) {
            state.append(String.format(format, (Object[]) elements));
        }

        @Override
        protected void formatList(StringBuilder state, String[] entries) {
            for (String entry : entries) {
                state.append("\n - ").append(entry);
            }
        }

        @Override
        protected Formatter newInstance() {
            return new PlainTextFormatter();
        }
    }
}
