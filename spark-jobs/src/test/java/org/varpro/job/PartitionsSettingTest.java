package org.varpro.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.varpro.config.ConfigError;
import org.varpro.spark.AutoPartitions;

/** {@code job.partitions}: auto (the row-count rule) or a number; {@code job.metrics-every}. */
class PartitionsSettingTest {
  private static JobConfig job(String jobSection) {
    Config root = ConfigFactory.parseString("job { " + jobSection + " }\n"
        + "generated { rows = 100 }\nmodel { hidden = [4] }").resolve();
    return JobConfig.parse(root, Path.of("test.conf"), "out", null);
  }

  @Test
  void theRuleIsTheCeilingOfRowsOverTheTarget() {
    long t = AutoPartitions.ROWS_PER_PARTITION;
    assertEquals(1, AutoPartitions.forRows(0));
    assertEquals(1, AutoPartitions.forRows(1));
    assertEquals(1, AutoPartitions.forRows(1_020), "conf/heat.conf's rows: one partition");
    assertEquals(1, AutoPartitions.forRows(t));
    assertEquals(2, AutoPartitions.forRows(t + 1));
    assertEquals(62, AutoPartitions.forRows(1_000_000), "⌈10⁶ / 16384⌉");
    assertEquals(AutoPartitions.MAX_PARTITIONS, AutoPartitions.forRows(Long.MAX_VALUE));
    assertThrows(IllegalArgumentException.class, () -> AutoPartitions.forRows(-1));
  }

  @Test
  void autoIsTheDefaultAndResolvesFromTheRowCount() {
    for (JobConfig j : List.of(job(""), job("partitions = auto"), job("partitions = \"auto\""))) {
      assertEquals(JobConfig.AUTO_PARTITIONS, j.partitionsSetting());
      assertEquals(1, j.partitions(1_020));
      assertEquals(62, j.partitions(1_000_000));
    }
  }

  @Test
  void anExplicitNumberIsKeptWhateverTheRows() {
    JobConfig j = job("partitions = 3");
    assertEquals(3, j.partitionsSetting());
    assertEquals(3, j.partitions(10));
    assertEquals(3, j.partitions(10_000_000));
  }

  @Test
  void badPartitionSettingsNameTheKey() {
    for (String bad : List.of("partitions = 0", "partitions = -2", "partitions = many", "partitions = 100001",
        "partitions = 2.5")) {
      ConfigError e = assertThrows(ConfigError.class, () -> job(bad), bad);
      assertTrue(e.getMessage().startsWith("job.partitions: must be auto or a number in [1, 100000], got"),
          e.getMessage());
    }
  }

  @Test
  void metricsEvery() {
    assertEquals(JobConfig.DEFAULT_METRICS_EVERY, job("").metricsEvery());
    assertEquals(1, job("metrics-every = 1").metricsEvery());
    assertEquals(0, job("metrics-every = 0").metricsEvery());
    ConfigError e = assertThrows(ConfigError.class, () -> job("metrics-every = -1"));
    assertTrue(e.getMessage().startsWith("job.metrics-every: must be >= 0"), e.getMessage());
  }
}
