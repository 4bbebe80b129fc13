package io.muster.server.acl;

import java.util.List;

/**
 * Who a request is: a token (by its public accessor, never its secret) or the anonymous identity of a request
 * without one, with the rules that apply to it.
 */
public record Identity(String accessor, String description, List<String> policies, boolean anonymous, Authorizer rules) {
    public static final String ANONYMOUS = "anonymous";
}
