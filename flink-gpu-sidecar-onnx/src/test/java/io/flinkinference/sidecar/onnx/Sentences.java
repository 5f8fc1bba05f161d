package io.flinkinference.sidecar.onnx;

import java.util.List;

/** Test texts of very different lengths and scripts. */
public final class Sentences {

    /** About 400 word-piece tokens of ordinary English, all different words in a row. */
    public static final String LONG_TEXT = longText();

    /** From one token to beyond 256 tokens; Latin, Cyrillic, CJK, Arabic, Devanagari, emoji. */
    public static final List<String> VARIED =
            List.of(
                    "Hi",
                    "ok",
                    "The quick brown fox jumps over the lazy dog.",
                    LONG_TEXT,
                    "Der schnelle braune Fuchs springt über den faulen Hund.",
                    "Быстрая коричневая лиса прыгает через ленивую собаку.",
                    "敏捷的棕色狐狸跳过了懒狗。",
                    "素早い茶色の狐が怠け者の犬を飛び越える。",
                    "الثعلب البني السريع يقفز فوق الكلب الكسول",
                    "तेज़ भूरी लोमड़ी आलसी कुत्ते के ऊपर कूदती है",
                    "빠른 갈색 여우가 게으른 개를 뛰어넘는다",
                    "🦊🐶🚀🎉",
                    "I love pizza 🍕 and sushi 🍣!!!",
                    "SELECT * FROM users WHERE id = 42;",
                    "Åse and Ñoño drank café crème at the Straße corner, naïvely.",
                    "Stream processing engines batch records to amortise per-call overhead,"
                            + " but the answer for one record must never depend on which other"
                            + " records happened to share its batch, its padding, or its order"
                            + " of arrival at the inference server.");

    /** The first {@code n} words of {@link #LONG_TEXT}. */
    public static String firstWords(int n) {
        String[] words = LONG_TEXT.split(" ");
        return String.join(" ", java.util.Arrays.copyOf(words, n));
    }

    private static String longText() {
        // Common English words that are single word-pieces in the BERT uncased vocabulary, in an
        // order that keeps neighbouring windows different.
        String[] words = {
            "river",
            "mountain",
            "city",
            "music",
            "garden",
            "window",
            "market",
            "science",
            "history",
            "winter",
            "summer",
            "ocean",
            "forest",
            "bridge",
            "train",
            "school",
            "doctor",
            "village",
            "letter",
            "paper",
            "story",
            "family",
            "friend",
            "house",
            "water",
            "light",
            "money",
            "power",
            "street",
            "church",
            "king",
            "army",
            "road",
            "table",
            "horse",
            "island",
            "camera",
            "coffee",
            "energy",
            "planet"
        };
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 400; i++) {
            if (i > 0) {
                text.append(' ');
            }
            text.append(words[(i * 7 + i / words.length) % words.length]);
        }
        return text.toString();
    }

    private Sentences() {}
}
