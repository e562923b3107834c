package org.varpro.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** First crossing of a target and the median / worst over seeds, unreached runs included. */
class TimeToTargetTest {
  private static final double INF = Double.POSITIVE_INFINITY;

  private static TimeToTarget.Point pt(int it, double s, double e) {
    return new TimeToTarget.Point(it, s, e);
  }

  @Test
  void firstCrossingIsTheEarliestPointAtOrBelowTheTargetNotTheBest() {
    // The error is not monotone: it dips below 1e-8 at iteration 3, comes back up, then goes lower.
    List<TimeToTarget.Point> trace = List.of(pt(0, 0, 1e-2), pt(1, 0.1, 1e-6), pt(2, 0.2, 2e-8),
        pt(3, 0.3, 9e-9), pt(4, 0.4, 5e-8), pt(5, 0.5, 1e-9));
    assertSame(trace.get(3), TimeToTarget.first(trace, 1e-8));
    assertSame(trace.get(1), TimeToTarget.first(trace, 1e-6), "at the target counts as reached");
    assertSame(trace.get(5), TimeToTarget.first(trace, 1e-9));
    assertNull(TimeToTarget.first(trace, 9e-10));
    assertEquals(Arrays.asList(trace.get(1), trace.get(2), trace.get(3), null),
        TimeToTarget.crossings(trace, List.of(1e-6, 3e-8, 9e-9, 1e-10)));
  }

  @Test
  void medianOfOddCountIsTheMiddleRunAndUnreachedSortLast() {
    // Three seeds: 4 s, never, 2 s → sorted 2, 4, ∞: median 4 (a real run), worst not reached.
    TimeToTarget.Spread s = TimeToTarget.spread(Arrays.asList(pt(40, 4, 1e-9), null, pt(25, 2, 1e-9)));
    assertEquals(4, s.medianSeconds());
    assertEquals(40, s.medianIteration());
    assertEquals(INF, s.worstSeconds());
    assertEquals(INF, s.worstIteration());
    assertTrue(s.medianReached());
    assertFalse(s.worstReached());
    assertEquals(2, s.reached());
    assertEquals(3, s.runs());
  }

  @Test
  void medianIsUnreachedWhenHalfOrMoreRunsMiss() {
    TimeToTarget.Spread odd = TimeToTarget.spread(Arrays.asList(null, pt(10, 1, 0), null));
    assertFalse(odd.medianReached());
    // Even count: the mean of the two middle runs, unreached as soon as one of them is.
    TimeToTarget.Spread even = TimeToTarget.spread(Arrays.asList(pt(10, 1, 0), null));
    assertFalse(even.medianReached());
    TimeToTarget.Spread all = TimeToTarget.spread(Arrays.asList(pt(10, 1, 0), pt(30, 3, 0), pt(20, 2, 0),
        pt(50, 8, 0)));
    assertEquals(2.5, all.medianSeconds());
    assertEquals(25, all.medianIteration());
    assertEquals(8, all.worstSeconds());
    assertEquals(50, all.worstIteration());
  }

  @Test
  void medianAndMaxOfPlainValues() {
    assertEquals(3, TimeToTarget.median(new double[] {5, 3, 1}));
    assertEquals(INF, TimeToTarget.median(new double[] {INF, INF, 1}));
    assertEquals(2, TimeToTarget.median(new double[] {3, 1}));
    assertEquals(7, TimeToTarget.max(new double[] {7, 1, 3}));
  }
}
