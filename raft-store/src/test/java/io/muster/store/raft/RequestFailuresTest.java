package io.muster.store.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.protocol.exceptions.RaftRetryFailureException;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.util.SlidingWindow;
import org.junit.jupiter.api.Test;

/** Which failures of a Raft request prove it did not run ({@code no_leader}) and which leave it unknown. */
class RequestFailuresTest {
    /** One request of Ratis's ordered window; the window decides how it fails. */
    private static final class Pending implements SlidingWindow.ClientSideRequest<String> {
        final long seq;
        final CompletableFuture<String> reply = new CompletableFuture<>();

        Pending(long seq) {
            this.seq = seq;
        }

        @Override
        public long getSeqNum() {
            return seq;
        }

        @Override
        public void setReply(String r) {
            reply.complete(r);
        }

        @Override
        public boolean hasReply() {
            return reply.isDone();
        }

        @Override
        public void fail(Throwable e) {
            reply.completeExceptionally(e);
        }

        @Override
        public void setFirstRequest() {
        }
    }

    private static Throwable failure(CompletableFuture<?> f) {
        assertTrue(f.isCompletedExceptionally());
        return f.handle((r, e) -> e).join();
    }

    private static final IOException REFUSED = new IOException("UNAVAILABLE: io exception",
            new ConnectException("Connection refused: /127.0.0.1:7001"));

    @Test
    void aRequestFailedBecauseAnEarlierOneFailedMayHaveRun() {
        // Ratis's real window: once the first request is answered, later ones are sent without waiting.
        SlidingWindow.Client<Pending, String> window = new SlidingWindow.Client<>("test");
        List<Pending> sent = new ArrayList<>();
        Pending warmUp = window.submitNewRequest(Pending::new, sent::add);
        window.receiveReply(warmUp.seq, "ok", sent::add);
        Pending a = window.submitNewRequest(Pending::new, sent::add);
        Pending b = window.submitNewRequest(Pending::new, sent::add);
        assertEquals(List.of(warmUp, a, b), sent, "both were sent to the leader");

        // The first one's own attempt was refused (its leader died); the window fails every later one with it.
        window.fail(a.seq, REFUSED);
        assertInstanceOf(NoLeaderException.class, RequestFailures.queryFailed("forward", failure(a.reply)));
        assertInstanceOf(NoLeaderException.class, RequestFailures.appendFailed("write", failure(a.reply)));
        // b reached the leader before it died: the next leader may commit it. Never "not applied".
        assertInstanceOf(OutcomeUnknownException.class, RequestFailures.queryFailed("forward", failure(b.reply)));
        assertInstanceOf(OutcomeUnknownException.class, RequestFailures.appendFailed("write", failure(b.reply)));

        // Handed to the failed window afterwards: refused unsent, with the same exception, so it stays unknown too.
        Pending c = window.submitNewRequest(Pending::new, sent::add);
        assertEquals(3, sent.size(), "not sent");
        assertInstanceOf(OutcomeUnknownException.class, RequestFailures.queryFailed("forward", new CompletionException(failure(c.reply))));
    }

    @Test
    void notLeaderProvesNotRunOnlyForAQueryNeverForAnAppendedEntry() {
        NotLeaderException notLeader = new NotLeaderException(member("n2"), null, List.of());
        assertInstanceOf(NoLeaderException.class, RequestFailures.queryFailed("forward", notLeader));
        assertInstanceOf(NoLeaderException.class, RequestFailures.queryFailed("forward", new LeaderNotReadyException(member("n2"))));
        // A leader stepping down answers NotLeader to the entries it had appended.
        assertInstanceOf(OutcomeUnknownException.class, RequestFailures.appendFailed("write", notLeader));
    }

    @Test
    void aRefusalAfterRetriesProvesNotRunOnlyWhenEveryEarlierAttemptDid() {
        // Retried only on NotLeader / LeaderNotReady, then refused: a query ran nowhere, an appended entry may have.
        RaftRetryFailureException exhausted = new RaftRetryFailureException(null, 5, RetryPolicies.noRetry(), REFUSED);
        assertInstanceOf(NoLeaderException.class, RequestFailures.queryFailed("forward", new CompletionException(exhausted)));
        assertInstanceOf(OutcomeUnknownException.class, RequestFailures.appendFailed("write", new CompletionException(exhausted)));
    }

    @Test
    void noAnswerIsUnknownAndAHandOffRefusedBeforeRatisIsNotRun() {
        assertInstanceOf(OutcomeUnknownException.class, RequestFailures.queryFailed("forward", new TimeoutException()));
        assertInstanceOf(OutcomeUnknownException.class, RequestFailures.appendFailed("write", new IOException("UNAVAILABLE: Connection reset")));
        NotSentException unsent = new NotSentException(new java.util.concurrent.RejectedExecutionException("shutting down"));
        assertInstanceOf(NoLeaderException.class, RequestFailures.appendFailed("write", new CompletionException(unsent)));
        assertInstanceOf(NoLeaderException.class, RequestFailures.queryFailed("forward", unsent));
    }

    @Test
    void aRequestRefusedByAStreamThatHadEndedWasNotSent() {
        // As Ratis's gRPC client refuses a request on a stream to a server that went away (CI, stop 27): unsent.
        var dead = new org.apache.ratis.protocol.exceptions.AlreadyClosedException("client-6E4F68CB6567->n3 is closed.");
        assertInstanceOf(NoLeaderException.class, RequestFailures.queryFailed("forward", new CompletionException(dead)));
        assertInstanceOf(NoLeaderException.class, RequestFailures.appendFailed("write", dead));
        var ended = new org.apache.ratis.protocol.exceptions.AlreadyClosedException("client-6E4F68CB6567->n3: the stream is closed.");
        assertInstanceOf(NoLeaderException.class, RequestFailures.queryFailed("forward", ended));
        // Sent on a stream that then ended without an answer: it may have run.
        var noReply = new org.apache.ratis.protocol.exceptions.AlreadyClosedException(
                "client-6E4F68CB6567->n3: Stream onCompleted: no reply for async request cid=7");
        assertInstanceOf(OutcomeUnknownException.class, RequestFailures.queryFailed("forward", noReply));
        // The window passing that refusal on to a request behind it: that one may have been sent.
        var cascade = new org.apache.ratis.protocol.exceptions.AlreadyClosedException("SlidingWindow$Client:client-6E4F68CB6567->RAFT is closed.", dead);
        assertInstanceOf(OutcomeUnknownException.class, RequestFailures.queryFailed("forward", cascade));
        // After retries on an appended entry nothing is proven, whatever the last attempt met.
        RaftRetryFailureException exhausted = new RaftRetryFailureException(null, 3, RetryPolicies.noRetry(), dead);
        assertInstanceOf(OutcomeUnknownException.class, RequestFailures.appendFailed("write", exhausted));
        assertInstanceOf(NoLeaderException.class, RequestFailures.queryFailed("forward", exhausted));
    }

    @Test
    void aForwardToALeaderWhoseProcessIsGoneIsNotRunOnAFreshClient() throws Exception {
        // Ratis's real client as this member builds one for forwarded writes, its leader at a port nobody listens
        // on: its very first request must fail as refused (no_leader), not behind a window something else failed.
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        org.apache.ratis.protocol.RaftPeer gone = org.apache.ratis.protocol.RaftPeer.newBuilder()
                .setId("n1").setAddress("127.0.0.1:" + port).build();
        try (org.apache.ratis.client.RaftClient client = org.apache.ratis.client.RaftClient.newBuilder()
                .setProperties(RaftNode.clientProperties())
                .setRaftGroup(org.apache.ratis.protocol.RaftGroup.valueOf(RaftGroupId.randomId(), gone))
                .setLeaderId(gone.getId())
                .setRetryPolicy(RaftNode::retryIfNotRun)
                .build()) {
            CompletableFuture<?> forward = client.async().sendReadOnlyNonLinearizable(
                    org.apache.ratis.protocol.Message.valueOf("forwarded writes"));
            Throwable failed = forward.handle((r, e) -> e).get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertInstanceOf(NoLeaderException.class, RequestFailures.queryFailed("forward", failed), String.valueOf(failed));
        }
    }

    private static RaftGroupMemberId member(String id) {
        return RaftGroupMemberId.valueOf(RaftPeerId.valueOf(id), RaftGroupId.randomId());
    }
}
