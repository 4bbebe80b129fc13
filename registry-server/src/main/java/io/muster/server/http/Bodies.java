package io.muster.server.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.muster.store.model.Check;
import io.muster.store.model.Json;
import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The request body, checked to be JSON by its declared type and parsed strictly. Size is limited before we get here.
 * Parse failures become a 400 naming the field at fault, in words meant for the client (never Jackson's own
 * messages, which carry class names and source locations).
 */
final class Bodies {
    /**
     * Stricter than the store's mapper, for what clients send: a repeated key is refused rather than silently
     * last-wins, and a number or boolean is not a string ({@code "tags": [1]} must not register tag "1").
     * The store's mapper keeps reading the log and snapshots as it always has.
     */
    private static final ObjectMapper MAPPER = strict();
    private static final Set<String> CHECK_KINDS = Set.of("ttl", "http", "tcp");
    private static final String CHECK_SHAPES = "check must be one of {\"ttl\": D}, {\"http\": URL, \"interval\": D, "
            + "\"timeout\": D} or {\"tcp\": \"host:port\", \"interval\": D, \"timeout\": D}";

    private Bodies() {
    }

    private static ObjectMapper strict() {
        ObjectMapper m = Json.mapper().copy();
        m.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        m.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        return m;
    }

    /**
     * A body must be JSON: a declared Content-Type other than JSON is a 415. A missing Content-Type is accepted,
     * since plenty of scripts omit it; the parser then decides.
     */
    static byte[] jsonBody(RoutingContext ctx, boolean required) {
        String type = ctx.request().getHeader("Content-Type");
        RequestBody body = ctx.body();
        boolean empty = body == null || body.length() <= 0;
        // Form and multipart bodies never reach ctx.body() (the body handler decodes them), so judge by framing too.
        if (type != null && !isJson(type) && (!empty || framesABody(ctx))) {
            throw new ApiException(415, "unsupported_media_type", "the body must be application/json", null, null);
        }
        if (empty) {
            if (required) {
                throw ApiException.invalid(null, "a JSON body is required");
            }
            return new byte[0];
        }
        return body.buffer().getBytes();
    }

    private static boolean framesABody(RoutingContext ctx) {
        String length = ctx.request().getHeader("Content-Length");
        return ctx.request().getHeader("Transfer-Encoding") != null || (length != null && !length.trim().equals("0"));
    }

    private static boolean isJson(String contentType) {
        String t = contentType.toLowerCase(Locale.ROOT);
        int semi = t.indexOf(';');
        String mime = (semi >= 0 ? t.substring(0, semi) : t).trim();
        return mime.equals("application/json") || (mime.startsWith("application/") && mime.endsWith("+json"));
    }

    /** Parses a body that must be one JSON object of the given shape. */
    static <T> T parse(byte[] body, Class<T> type) {
        T value;
        try {
            value = MAPPER.readValue(body, type);
        } catch (JsonMappingException e) {
            throw mappingError(e);
        } catch (JsonProcessingException e) {
            throw readError(e);
        } catch (IOException e) {
            throw ApiException.invalid(null, "unreadable body");
        }
        if (value == null) {
            throw ApiException.invalid(null, "the body must be a JSON object");
        }
        return value;
    }

    /** Well-formed JSON of the wrong shape: say which field and what it should have been. */
    private static ApiException mappingError(JsonMappingException e) {
        String field = path(e);
        if (e instanceof UnrecognizedPropertyException u) {
            // {"ttl": ..., "http": ...}: the first key picked the kind of check, the second is another kind's.
            if (Check.class.isAssignableFrom(u.getReferringClass()) && CHECK_KINDS.contains(u.getPropertyName())) {
                return ApiException.invalid(parent(field), CHECK_SHAPES);
            }
            return ApiException.invalid(field, "unknown field \"" + u.getPropertyName() + "\"");
        }
        // A streaming error met while binding a field (a repeated map key, a number beyond int, nesting past the
        // parser's limit) arrives wrapped.
        if (e.getCause() instanceof JsonProcessingException cause && !(cause instanceof JsonMappingException)) {
            ApiException read = readError(cause);
            return field == null ? read : ApiException.invalid(field, read.getMessage());
        }
        String original = String.valueOf(e.getOriginalMessage());
        if (original.startsWith("Trailing token")) {
            return ApiException.invalid(null, "unexpected data after the JSON value");
        }
        Class<?> target = e instanceof MismatchedInputException m ? m.getTargetType() : null;
        if (e instanceof InvalidTypeIdException || (target != null && Check.class.isAssignableFrom(target))
                || original.contains("subtype")) {
            return ApiException.invalid(field == null ? "check" : field, CHECK_SHAPES);
        }
        if (field == null) {
            return ApiException.invalid(null, "the body must be a JSON object");
        }
        if (target == null) {
            return ApiException.invalid(field, field + " has a value out of range or of the wrong type");
        }
        if (depth(field) < e.getPath().size()) {
            return ApiException.invalid(field, field + " holds a value that is not " + describe(target));
        }
        return ApiException.invalid(field, field + " must be " + describe(target));
    }

    private static String describe(Class<?> t) {
        if (t == String.class) {
            return "a string";
        }
        if (t == Integer.class || t == int.class || t == Long.class || t == long.class) {
            return "an integer in range";
        }
        if (t == Boolean.class || t == boolean.class) {
            return "true or false";
        }
        if (t == Duration.class) {
            return "a duration like \"500ms\", \"10s\" or \"5m\"";
        }
        if (Collection.class.isAssignableFrom(t) || t.isArray()) {
            return "an array";
        }
        if (Map.class.isAssignableFrom(t)) {
            return "an object of strings";
        }
        return "an object";
    }

    /** Not well-formed JSON, or over a parser limit. */
    private static ApiException readError(JsonProcessingException e) {
        if (e instanceof StreamConstraintsException) {
            String m = String.valueOf(e.getOriginalMessage());
            return ApiException.invalid(null, m.contains("nesting") ? "the JSON is nested too deeply"
                    : m.contains("Number") ? "a number in the JSON is too long" : "the JSON exceeds a parser limit");
        }
        String field = e instanceof StreamReadException s ? topLevelField(s) : null;
        if (e instanceof InputCoercionException) {
            return ApiException.invalid(field, (field == null ? "a number" : field) + " is out of range");
        }
        String m = String.valueOf(e.getOriginalMessage());
        if (m.startsWith("Duplicate field")) {
            return ApiException.invalid(field, "duplicate key " + m.substring("Duplicate field".length()).trim());
        }
        return ApiException.invalid(null, "malformed JSON: " + clean(m));
    }

    /** The top-level field a streaming error happened in: the one the client must fix. */
    private static String topLevelField(StreamReadException e) {
        JsonParser p = e.getProcessor();
        if (p == null) {
            return null;
        }
        JsonStreamContext c = p.getParsingContext();
        while (c != null && c.getParent() != null && !c.getParent().inRoot()) {
            c = c.getParent();
        }
        return c != null && c.inObject() ? c.getCurrentName() : null;
    }

    private static String parent(String field) {
        int dot = field == null ? -1 : field.lastIndexOf('.');
        return dot < 0 ? "check" : field.substring(0, dot);
    }

    private static int depth(String field) {
        return field.split("\\.", -1).length;
    }

    /** The path of record properties to the fault; map keys and array positions are the client's data, not fields. */
    static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() == null || ref.getFrom() instanceof Map) {
                break;
            }
            if (sb.length() > 0) {
                sb.append('.');
            }
            sb.append(ref.getFieldName());
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    /** Jackson's syntax messages, less source locations and type names. */
    private static String clean(String m) {
        for (String cut : new String[] {"\n", " (start marker", " at [Source", " [Source"}) {
            int at = m.indexOf(cut);
            if (at >= 0) {
                m = m.substring(0, at);
            }
        }
        m = m.replaceAll("`[^`]*`", "a value");
        return m.length() > 200 ? m.substring(0, 200) : m;
    }
}
