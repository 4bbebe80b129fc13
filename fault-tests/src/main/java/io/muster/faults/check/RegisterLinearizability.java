package io.muster.faults.check;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Whether a history of one boolean register (an instance present or absent) is linearizable: the Wing–Gong search
 * with Lowe's memo of (linearized set, state), as Knossos and Porcupine do it. An operation whose outcome is unknown
 * has no return: it may take effect at any time after its call, or never (placed last, nothing observes it).
 */
public final class RegisterLinearizability {

    /** A write of {@code value}, or a read that returned {@code value}; {@code ret} is Long.MAX_VALUE when unknown. */
    public record RegOp(boolean write, boolean value, long call, long ret) {
    }

    private static final class Entry {
        final int op;
        final boolean call;
        final long time;
        Entry match;
        Entry prev;
        Entry next;

        Entry(int op, boolean call, long time) {
            this.op = op;
            this.call = call;
            this.time = time;
        }
    }

    private record Memo(BitSet linearized, boolean state) {
    }

    private record Frame(Entry entry, boolean state) {
    }

    private RegisterLinearizability() {
    }

    /** {@code true} if some order of {@code ops}, each at a point within its interval, explains every read. */
    public static boolean check(List<RegOp> ops, boolean initial) {
        List<Entry> entries = new ArrayList<>(ops.size() * 2);
        for (int i = 0; i < ops.size(); i++) {
            RegOp op = ops.get(i);
            Entry call = new Entry(i, true, op.call());
            Entry ret = new Entry(i, false, op.ret());
            call.match = ret;
            entries.add(call);
            entries.add(ret);
        }
        // At equal times calls come first: the lenient reading of a tie.
        entries.sort(Comparator.comparingLong((Entry e) -> e.time).thenComparing(e -> !e.call));
        Entry head = new Entry(-1, false, Long.MIN_VALUE);
        Entry last = head;
        for (Entry e : entries) {
            last.next = e;
            e.prev = last;
            last = e;
        }
        boolean state = initial;
        BitSet linearized = new BitSet(ops.size());
        Set<Memo> seen = new HashSet<>();
        List<Frame> stack = new ArrayList<>();
        Entry entry = head.next;
        while (head.next != null) {
            if (entry == null) {
                return false;
            }
            if (entry.call) {
                RegOp op = ops.get(entry.op);
                boolean legal = op.write() || op.value() == state;
                boolean next = op.write() ? op.value() : state;
                if (legal) {
                    BitSet tried = (BitSet) linearized.clone();
                    tried.set(entry.op);
                    if (seen.add(new Memo(tried, next))) {
                        stack.add(new Frame(entry, state));
                        state = next;
                        linearized.set(entry.op);
                        lift(entry);
                        entry = head.next;
                        continue;
                    }
                }
                entry = entry.next;
            } else {
                // A return reached with its operation not yet placed: undo the latest choice.
                if (stack.isEmpty()) {
                    return false;
                }
                Frame top = stack.remove(stack.size() - 1);
                state = top.state();
                linearized.clear(top.entry().op);
                unlift(top.entry());
                entry = top.entry().next;
            }
        }
        return true;
    }

    private static void lift(Entry call) {
        call.prev.next = call.next;
        if (call.next != null) {
            call.next.prev = call.prev;
        }
        Entry ret = call.match;
        ret.prev.next = ret.next;
        if (ret.next != null) {
            ret.next.prev = ret.prev;
        }
    }

    private static void unlift(Entry call) {
        Entry ret = call.match;
        ret.prev.next = ret;
        if (ret.next != null) {
            ret.next.prev = ret;
        }
        call.prev.next = call;
        if (call.next != null) {
            call.next.prev = call;
        }
    }
}
