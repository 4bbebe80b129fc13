package io.muster.server.acl;

import io.muster.store.acl.Access;

/**
 * What a route needs before it may run; every route of the HTTP API declares one (see {@code HttpApi}).
 *
 * @param kind   which rights are looked at
 * @param access the access needed on them
 */
public record Need(Kind kind, Access access) {
    public enum Kind {
        /** No token looked at: health checks and the one-shot bootstrap. */
        NOTHING,
        /** Any identity the cluster knows, anonymous included (whoami). */
        IDENTIFIED,
        /** The service named by the route's {@code :service} parameter. */
        SERVICE,
        /** Some service: a listing, filtered afterwards to what the identity may read. */
        SOME_SERVICE,
        OPERATOR,
        ACL,
        /** A whole-registry snapshot: operator and acl rights, and the access on every service. */
        EVERYTHING
    }

    public static final Need NOTHING = new Need(Kind.NOTHING, Access.DENY);
    public static final Need IDENTIFIED = new Need(Kind.IDENTIFIED, Access.DENY);

    public static Need service(Access a) {
        return new Need(Kind.SERVICE, a);
    }

    public static Need someService() {
        return new Need(Kind.SOME_SERVICE, Access.READ);
    }

    public static Need operator(Access a) {
        return new Need(Kind.OPERATOR, a);
    }

    public static Need acl(Access a) {
        return new Need(Kind.ACL, a);
    }

    public static Need everything(Access a) {
        return new Need(Kind.EVERYTHING, a);
    }

    /** Whether {@code who} has it; {@code service} is the route's service name for {@link Kind#SERVICE}. */
    public boolean grantedTo(Identity who, String service) {
        Authorizer r = who.rules();
        return switch (kind) {
            case NOTHING, IDENTIFIED -> true;
            case SERVICE -> service != null && r.service(service).allows(access);
            case SOME_SERVICE -> r.mayReadSomeService();
            case OPERATOR -> r.operator().allows(access);
            case ACL -> r.acl().allows(access);
            case EVERYTHING -> r.operator().allows(access) && r.acl().allows(access) && r.mayOnEveryService(access);
        };
    }

    @Override
    public String toString() {
        return switch (kind) {
            case NOTHING -> "nothing";
            case IDENTIFIED -> "a known token";
            case SERVICE -> "service " + access.wireName();
            case SOME_SERVICE -> "read on some service";
            case OPERATOR -> "operator " + access.wireName();
            case ACL -> "acl " + access.wireName();
            case EVERYTHING -> "operator, acl and every service " + access.wireName();
        };
    }
}
