package io.muster.faults.check;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.muster.faults.check.RegisterLinearizability.RegOp;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Wing–Gong search on one boolean register. */
class RegisterLinearizabilityTest {

    private static RegOp w(boolean v, long call, long ret) {
        return new RegOp(true, v, call, ret);
    }

    private static RegOp r(boolean v, long call, long ret) {
        return new RegOp(false, v, call, ret);
    }

    @Test
    void sequentialHistoryIsLinearizable() {
        assertTrue(RegisterLinearizability.check(List.of(r(false, 0, 1), w(true, 2, 3), r(true, 4, 5),
                w(false, 6, 7), r(false, 8, 9)), false));
    }

    @Test
    void readOfAnOldValueAfterTheWriteReturnedIsNot() {
        assertFalse(RegisterLinearizability.check(List.of(w(true, 0, 1), r(false, 2, 3)), false));
    }

    @Test
    void concurrentReadsMaySeeEitherValueButNotFlipBack() {
        assertTrue(RegisterLinearizability.check(List.of(w(true, 0, 10), r(true, 1, 2), r(false, 1, 3)), false));
        // Once one read saw the new value and returned, a read that began later cannot see the old one.
        assertFalse(RegisterLinearizability.check(List.of(w(true, 0, 10), r(true, 1, 2), r(false, 3, 4)), false));
    }

    @Test
    void anUnknownWriteMayApplyLateOrNever() {
        assertTrue(RegisterLinearizability.check(List.of(w(true, 0, Long.MAX_VALUE), r(false, 5, 6), r(true, 7, 8)),
                false));
        assertTrue(RegisterLinearizability.check(List.of(w(true, 0, Long.MAX_VALUE), r(false, 5, 6)), false));
        assertFalse(RegisterLinearizability.check(List.of(w(true, 0, Long.MAX_VALUE), r(true, 5, 6), r(false, 7, 8)),
                false));
    }

    @Test
    void aValueNobodyWroteIsNot() {
        assertFalse(RegisterLinearizability.check(List.of(r(true, 0, 1)), false));
    }

    @Test
    void longHistoriesWithOverlapStayQuick() {
        List<RegOp> ops = new ArrayList<>();
        boolean v = false;
        for (int i = 0; i < 2000; i++) {
            long t = i * 10L;
            if (i % 10 == 0) {
                v = !v;
                ops.add(w(v, t, t + 15));
            } else {
                ops.add(r(v, t + 6, t + 9));
            }
        }
        assertTrue(RegisterLinearizability.check(ops, false));
    }
}
