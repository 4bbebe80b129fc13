package io.muster.store.raft;

import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.protocol.exceptions.RaftRetryFailureException;

/**
 * A failed Raft request as the contract sees it: {@link NoLeaderException} only when it provably did not run,
 * {@link OutcomeUnknownException} once it may have.
 *
 * <p>What proves "not run" depends on how the request travels. Ratis's ordered client keeps several requests in
 * flight; when one of them fails for good it fails every later one as "already closed", sent or not
 * ({@code SlidingWindow.Client.fail}). Such a later request may have reached the leader, been replicated and be
 * committed by the next leader, so "already closed" proves nothing. (A request handed to a window that had failed
 * already gets it too, without being sent; it cannot be told from the others without a race, and is rare, since the
 * first failure replaces the client.) A refused connection, or a refusal by a gRPC stream that had already ended,
 * proves "not sent" only for the request's own attempt.
 */
final class RequestFailures {
    private RequestFailures() {
    }

    /**
     * A request the leader runs as a read-only query (a forwarded write batch): it is never appended to the log, so
     * each of its attempts that a member answered NotLeader or LeaderNotReady did not run.
     */
    static RuntimeException queryFailed(String what, Throwable cause) {
        Throwable root = root(cause);
        if (root instanceof NoLeaderException || root instanceof NotLeaderException || root instanceof LeaderNotReadyException
                || notSent(root) || ownAttemptNotSent(root instanceof RaftRetryFailureException ? root.getCause() : root)) {
            return noLeader(what, root);
        }
        return outcomeUnknown(what, root);
    }

    /**
     * A request appended to the log (a client write): a leader that steps down answers NotLeader to the entries it
     * had appended, and the next leader may still commit them, so only a request never sent, or whose one and only
     * attempt was refused a connection, did not run.
     */
    static RuntimeException appendFailed(String what, Throwable cause) {
        Throwable root = root(cause);
        if (root instanceof NoLeaderException || notSent(root)
                || (!(root instanceof RaftRetryFailureException) && ownAttemptNotSent(root))) {
            return noLeader(what, root);
        }
        return outcomeUnknown(what, root);
    }

    static RuntimeException outcomeUnknown(String what, Throwable cause) {
        Throwable root = root(cause);
        if (root instanceof OutcomeUnknownException unknown) {
            return unknown;
        }
        String reason = root instanceof TimeoutException ? "no answer within " + Proposals.WRITE_DEADLINE.toSeconds() + "s" : String.valueOf(root);
        return new OutcomeUnknownException(what + " outcome unknown: " + reason
                + "; it may have been applied (read it back, or retry: a registration is idempotent)", root);
    }

    static NoLeaderException noLeader(String what, Throwable cause) {
        Throwable root = root(cause);
        if (root instanceof NoLeaderException nl) {
            return nl;
        }
        String reason = root instanceof TimeoutException ? "timed out waiting for a leader" : String.valueOf(root);
        return new NoLeaderException(what + " failed: " + reason, root);
    }

    static Throwable root(Throwable cause) {
        Throwable root = cause;
        while ((root instanceof CompletionException || root instanceof ExecutionException) && root.getCause() != null) {
            root = root.getCause();
        }
        return root;
    }

    /** The request's own attempt never left this member: refused a connection, or refused by a dead stream. */
    private static boolean ownAttemptNotSent(Throwable attempt) {
        return closedStream(attempt) || (!cascaded(attempt) && refused(attempt));
    }

    /**
     * Ratis's gRPC client keeps one stream per server; once that stream has ended (its server went away) it refuses
     * every later request at once, without writing it, as "CLIENT->SERVER is closed." or "...: the stream is closed."
     * ({@code GrpcClientProtocolClient.AsyncStreamObservers.onNext}, Ratis 3.2.0), with no cause. The window's
     * cascade says "SlidingWindow$Client:... is closed." and carries the failure it passes on; a stream that ended
     * under a request says "...: Stream ...: no reply ...": both may have been sent.
     */
    private static boolean closedStream(Throwable t) {
        if (!(t instanceof AlreadyClosedException) || t.getCause() != null) {
            return false;
        }
        String m = String.valueOf(t.getMessage());
        return !m.startsWith("SlidingWindow") && m.matches("\\S+->\\S+( is closed\\.|: the stream is closed\\.)");
    }

    private static boolean notSent(Throwable t) {
        return has(t, NotSentException.class);
    }

    /** Failed because another request of the same ordered client failed: it may have been sent. */
    private static boolean cascaded(Throwable t) {
        return has(t, AlreadyClosedException.class);
    }

    private static boolean refused(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof ConnectException || String.valueOf(c.getMessage()).contains("Connection refused")) {
                return true;
            }
        }
        return false;
    }

    private static boolean has(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }
}
