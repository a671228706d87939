package dev.procdeck.runtime;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.SerializableString;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.io.CharacterEscapes;
import tools.jackson.core.io.SerializedString;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.type.LogicalType;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON of the control protocol, in one place: the one {@link JsonMapper} both ends use, configured once.
 * Reading is strict about syntax (exactly JSON: no duplicate keys, no trailing data, nesting at most
 * {@link #MAX_DEPTH}, no numbers beyond a long or a finite double) and lenient about content (unknown fields
 * are ignored, so that a newer peer may add some). Typed reads never coerce: {@code "2"} is not a count and
 * {@code 2.5} is not rounded to one. Untyped reads give {@code Map<String, Object>} (insertion-ordered),
 * {@code List<Object>}, {@code String}, {@code Long}, {@code Double}, {@code Boolean} and null, which is what the
 * lenient readers of answers (InstanceWire, JobWire, LogWire) take apart.
 *
 * <p>Writing never puts a line break into a line: besides {@code \n}, U+2028 and U+2029 are escaped, since
 * some line readers (Python's {@code splitlines}, JavaScript before ES2019) break lines there too.
 */
public final class ControlJson {
    public static final int MAX_DEPTH = 16;

    private static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .characterEscapes(new NoLineSeparators())
                    .build())
            .enable(DeserializationFeature.USE_LONG_FOR_INTS, DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS) // {"v":2,"op":"hello"} has no fields of its own
            // Strings and booleans are taken as written only: a grep of 5 or a follow of 1 is a mistake to name.
            .withCoercionConfig(LogicalType.Textual, c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .withCoercionConfig(LogicalType.Boolean, c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.String, CoercionAction.Fail))
            .build();

    private ControlJson() {
    }

    /** One message as one line of JSON, without its newline. */
    public static String write(Object message) {
        return MAPPER.writeValueAsString(message);
    }

    /** Parses one document; the caller bounds its size. */
    public static Object parse(String text) {
        Object value;
        try {
            value = MAPPER.readValue(text, Object.class);
        } catch (JacksonException e) {
            throw invalid(e);
        }
        requirePlainNumbers(value, 0);
        return value;
    }

    /** Parses a document that must be an object. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String text) {
        Object v = parse(text);
        if (!(v instanceof Map)) {
            throw new IllegalArgumentException("expected a JSON object");
        }
        return (Map<String, Object>) v;
    }

    /** Parses a document that must be an object, as a tree (for reading its {@code v} and {@code op} first). */
    static ObjectNode parseTree(String text) {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(text);
        } catch (JacksonException e) {
            throw invalid(e);
        }
        if (!(tree instanceof ObjectNode object)) {
            throw new IllegalArgumentException("expected a JSON object");
        }
        return object;
    }

    /**
     * The message {@code tree} as a {@code type}; a field of the wrong type is refused naming the field, what
     * it must be and what it was ({@code scale: "formation" must be an object, not a number}).
     */
    static <T> T read(ObjectNode tree, Class<T> type, String what) {
        try {
            return MAPPER.treeToValue(tree, type);
        } catch (MismatchedInputException e) {
            String field = path(e.getPath());
            JsonNode given = tree.at(pointer(e.getPath()));
            throw new IllegalArgumentException(what + ": " + (field.isEmpty() ? "the message" : "\"" + field + "\"")
                    + " must be " + expected(e.getTargetType()) + ", not " + described(given));
        } catch (JacksonException e) {
            throw new IllegalArgumentException(what + ": " + e.getOriginalMessage());
        }
    }

    /**
     * {@code fields} with {@code v} and {@code op} in front: a request as it goes on the wire ({@code version}
     * null: a message inside a connect session, which has none).
     */
    static ObjectNode message(Integer version, String op, Object fields) {
        ObjectNode node = MAPPER.createObjectNode();
        if (version != null) {
            node.put("v", version);
        }
        node.put("op", op);
        node.setAll((ObjectNode) MAPPER.valueToTree(fields));
        return node;
    }

    private static final java.util.regex.Pattern DUPLICATE = java.util.regex.Pattern.compile(
            "Duplicate Object property \"(.*)\"");
    /** Of Jackson's reason, which quotes the input: enough to see what is wrong, never a screenful. */
    private static final int MAX_REASON = 200;

    /**
     * Jackson's complaint in the protocol's words: where (counting characters from 1) and why, with what it
     * quotes of the input escaped, since the peer prints it.
     */
    private static IllegalArgumentException invalid(JacksonException e) {
        TokenStreamLocation at = e.getLocation();
        long offset = at == null ? 1 : Math.max(0, at.getCharOffset()) + 1;
        String why = String.valueOf(e.getOriginalMessage()).lines().findFirst().orElse("");
        java.util.regex.Matcher duplicate = DUPLICATE.matcher(why);
        if (e instanceof tools.jackson.core.exc.StreamConstraintsException && why.contains("nesting depth")) {
            why = "nested deeper than " + MAX_DEPTH;
        } else if (duplicate.matches()) {
            why = "duplicate key \"" + duplicate.group(1) + "\"";
        }
        String shown = dev.procdeck.procfile.Visible.escape(why.length() > MAX_REASON ? why.substring(0, MAX_REASON) + "…" : why);
        return new IllegalArgumentException("invalid JSON at character " + offset + ": " + shown);
    }

    /** Numbers a long or a finite double cannot hold are refused rather than carried along half-read. */
    private static void requirePlainNumbers(Object value, int depth) {
        if (value instanceof BigInteger || value instanceof BigDecimal
                || value instanceof Double d && !Double.isFinite(d)) {
            throw new IllegalArgumentException("invalid JSON at character 1: number out of range: " + value);
        }
        if (value instanceof Map<?, ?> m) {
            m.values().forEach(v -> requirePlainNumbers(v, depth + 1));
        } else if (value instanceof List<?> l) {
            l.forEach(v -> requirePlainNumbers(v, depth + 1));
        }
    }

    private static String path(List<JacksonException.Reference> path) {
        StringBuilder b = new StringBuilder();
        for (JacksonException.Reference r : path) {
            if (r.getPropertyName() != null) {
                b.append(b.isEmpty() ? "" : ".").append(r.getPropertyName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.toString();
    }

    private static tools.jackson.core.JsonPointer pointer(List<JacksonException.Reference> path) {
        tools.jackson.core.JsonPointer p = tools.jackson.core.JsonPointer.empty();
        for (JacksonException.Reference r : path) {
            p = r.getPropertyName() != null ? p.appendProperty(r.getPropertyName())
                    : r.getIndex() >= 0 ? p.appendIndex(r.getIndex()) : p;
        }
        return p;
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "something else";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "an object";
        }
        if (List.class.isAssignableFrom(type) || type.isArray()) {
            return "a list";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == Long.class || type == long.class || type == Integer.class || type == int.class) {
            return "a whole number";
        }
        return "a " + type.getSimpleName();
    }

    private static String described(JsonNode given) {
        if (given == null || given.isMissingNode()) {
            return "missing";
        }
        return switch (given.getNodeType()) {
            case NUMBER -> "a number";
            case STRING -> "a string";
            case BOOLEAN -> "true or false";
            case ARRAY -> "a list";
            case OBJECT, POJO -> "an object";
            case NULL -> "null";
            default -> given.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    /** The standard JSON escapes, and U+2028 and U+2029 too: a message stays one line for every line reader. */
    private static final class NoLineSeparators extends CharacterEscapes {
        private static final SerializedString LINE_SEPARATOR = new SerializedString("\\u2028");
        private static final SerializedString PARAGRAPH_SEPARATOR = new SerializedString("\\u2029");
        private final int[] ascii = standardAsciiEscapesForJSON();

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return ch == 0x2028 ? LINE_SEPARATOR : ch == 0x2029 ? PARAGRAPH_SEPARATOR : null;
        }
    }
}
