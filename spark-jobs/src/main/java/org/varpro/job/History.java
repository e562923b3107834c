package org.varpro.job;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.varpro.core.solver.IterationRecord;

/**
 * history.csv: one row per iteration, the columns of {@link IterationRecord#COLUMNS} then the
 * extra metrics (in order of first appearance). Numbers in Java's shortest round-trip form,
 * NaN as {@code NaN}; a metric an iteration lacks is empty.
 */
final class History {
  private History() {}

  static List<String> columns(List<IterationRecord> history) {
    Set<String> extra = new LinkedHashSet<>();
    for (IterationRecord r : history) {
      if (r.extra() != null) {
        extra.addAll(r.extra().keySet());
      }
    }
    List<String> cols = new ArrayList<>(Arrays.asList(IterationRecord.COLUMNS));
    cols.addAll(extra);
    return cols;
  }

  /** The text of history.csv. */
  static String csv(List<IterationRecord> history) {
    List<String> cols = columns(history);
    int base = IterationRecord.COLUMNS.length;
    StringBuilder w = new StringBuilder(String.join(",", cols)).append('\n');
    for (IterationRecord r : history) {
      Object[] v = r.values();
      for (int i = 0; i < cols.size(); i++) {
        if (i > 0) {
          w.append(',');
        }
        Object x = i < base ? v[i] : (r.extra() == null ? null : r.extra().get(cols.get(i)));
        if (x != null) {
          w.append(x);
        }
      }
      w.append('\n');
    }
    return w.toString();
  }
}
