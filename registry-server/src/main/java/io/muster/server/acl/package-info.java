/**
 * Who may do what (design rule 17). {@link io.muster.server.acl.Credentials} reads a request's token,
 * {@link io.muster.server.acl.AclResolver} turns it into an {@link io.muster.server.acl.Identity} against the
 * replicated ACL state, an {@link io.muster.server.acl.Authorizer} evaluates that identity's rules, and
 * {@link io.muster.server.acl.AclGuard} is the one place the HTTP API decides, from the {@link io.muster.server.acl.Need}
 * each route declares, before the route reads or writes anything. Refusals and writes go to the audit log
 * ({@code io.muster.audit}). The state itself (policies, tokens, bootstrap) is replicated in raft-store.
 */
package io.muster.server.acl;
