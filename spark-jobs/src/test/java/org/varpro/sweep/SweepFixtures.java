package org.varpro.sweep;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.varpro.spark.TestSpark;

/** Small sweep configurations over a reduced heat problem (fast enough for unit tests). */
final class SweepFixtures {
  private SweepFixtures() {}

  /**
   * conf/heat.conf with 120 + 40 collocation points in 3 partitions, a 21×21 test grid and a
   * 12-iteration cap, plus the given sweep section.
   */
  static Path heatSweep(Path dir, String name, String sweepSection) throws IOException {
    Path heat = TestSpark.repoFile("conf/heat.conf").toAbsolutePath().normalize();
    String text = "include file(\"" + heat + "\")\n"
        + "job { partitions = 3 }\n"
        + "points { interior = 120, boundary = 40, test-grid = 21 }\n"
        + "solver { max-iterations = 12, time-budget = 600, relative-tolerance = 0 }\n"
        + "sweep {\n" + sweepSection + "\n}\n";
    Path file = dir.resolve(name + ".conf");
    Files.writeString(file, text);
    return file;
  }
}
