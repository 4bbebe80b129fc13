package io.muster.server.http;

import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.RoutingContext;

/** The request body, checked to be JSON by its declared type. Size is limited before we get here. */
final class Bodies {
    private Bodies() {
    }

    /**
     * A body must be JSON: a declared Content-Type other than JSON is a 415. A missing Content-Type is accepted,
     * since plenty of scripts omit it; the parser then decides.
     */
    static byte[] jsonBody(RoutingContext ctx, boolean required) {
        String type = ctx.request().getHeader("Content-Type");
        RequestBody body = ctx.body();
        boolean empty = body == null || body.length() <= 0;
        if (!empty && type != null && !isJson(type)) {
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

    private static boolean isJson(String contentType) {
        String t = contentType.toLowerCase(java.util.Locale.ROOT);
        int semi = t.indexOf(';');
        String mime = (semi >= 0 ? t.substring(0, semi) : t).trim();
        return mime.equals("application/json") || (mime.startsWith("application/") && mime.endsWith("+json"));
    }
}
