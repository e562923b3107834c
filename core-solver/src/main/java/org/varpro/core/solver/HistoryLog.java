package org.varpro.core.solver;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The solver's history, appended to by the solver thread only. A {@link #snapshot} is a fixed
 * prefix that later appends never change (they write past its end or into a new array), so
 * handing one to a {@link SolverState} costs no copy.
 */
final class HistoryLog {
  private IterationRecord[] items;
  private int size;

  HistoryLog(List<IterationRecord> start) {
    items = start.toArray(new IterationRecord[Math.max(64, start.size())]);
    size = start.size();
  }

  void add(IterationRecord r) {
    if (size == items.length) {
      items = Arrays.copyOf(items, 2 * size);
    }
    items[size++] = r;
  }

  /** The record of iteration {@code iteration}, or null when it is not in the log. */
  IterationRecord at(int iteration) {
    for (int i = size - 1; i >= 0 && items[i].iteration() >= iteration; i--) {
      if (items[i].iteration() == iteration) {
        return items[i];
      }
    }
    return null;
  }

  List<IterationRecord> snapshot() {
    return Collections.unmodifiableList(Arrays.asList(items).subList(0, size));
  }
}
