package org.varpro.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ML API as a library on a standalone cluster: {@code org.varpro.ml.DiabetesPipeline}
 * (VectorAssembler → VarProRegressor) submitted with the shaded jar to the cluster of
 * {@code submit/local-cluster.sh} (helpers of {@link LocalClusterIT}), fitted there and saved as
 * a PipelineModel to a {@code file:} URI; then loaded by a second submit in local mode: the
 * predictions on the 442 rows must be identical (same saved θ, C and standardization, same
 * prediction code, one row at a time).
 */
class MlPipelineClusterIT {
  static final String MAIN = "org.varpro.ml.DiabetesPipeline";

  @TempDir
  Path tmp;

  @BeforeAll
  static void findBuild() throws Exception {
    LocalClusterIT.findBuild();
  }

  @Test
  @Timeout(value = 900, unit = TimeUnit.SECONDS)
  void pipelineFittedOnTheClusterPredictsIdenticallyWhenLoadedInLocalMode() throws Exception {
    Path clusterDir = tmp.resolve("cluster");
    Map<String, String> clusterEnv = LocalClusterIT.clusterEnv(clusterDir);
    String master = "spark://127.0.0.1:" + clusterEnv.get("VARPRO_MASTER_PORT");
    Path logs = tmp.resolve("logs");
    String model = tmp.resolve("diabetes-pipeline").toUri().toString();
    Path clusterPredictions = tmp.resolve("cluster-predictions.txt");
    Path localPredictions = tmp.resolve("local-predictions.txt");
    try {
      LocalClusterIT.Exit start = LocalClusterIT.run(List.of("bash", "submit/local-cluster.sh", "start"), clusterEnv,
          logs, 180);
      assertEquals(0, start.code(), "local-cluster.sh start:\n" + start.out() + start.err());
      LocalClusterIT.Exit fit = LocalClusterIT.run(LocalClusterIT.sparkSubmitClass(master, MAIN, "fit", "data", model,
          clusterPredictions.toUri().toString()), LocalClusterIT.submitEnv(), logs, LocalClusterIT.SUBMIT_TIMEOUT_SECONDS);
      assertEquals(0, fit.code(), "cluster fit failed:\n" + LocalClusterIT.tail(fit.err()));
      assertTrue(fit.out().contains("on " + master), fit.out());

      // The executors ran the passes: the Worker's application folder has their task logs.
      List<Path> executorLogs;
      try (Stream<Path> s = Files.walk(clusterDir.resolve("work"))) {
        executorLogs = s.filter(p -> p.getFileName().toString().equals("stderr")).toList();
      }
      assertFalse(executorLogs.isEmpty(), "no executor logs under " + clusterDir.resolve("work"));
    } finally {
      LocalClusterIT.Exit stop = LocalClusterIT.run(List.of("bash", "submit/local-cluster.sh", "stop"), clusterEnv,
          logs, 90);
      assertEquals(0, stop.code(), "local-cluster.sh stop:\n" + stop.out() + stop.err());
      RunFolder.deleteTree(clusterDir.resolve("spark-home"));
    }
    assertTrue(Files.isDirectory(tmp.resolve("diabetes-pipeline/stages")), "no saved pipeline stages");

    LocalClusterIT.Exit predict = LocalClusterIT.run(LocalClusterIT.sparkSubmitClass("local[2]", MAIN, "predict", "data",
        model, localPredictions.toUri().toString()), LocalClusterIT.submitEnv(), logs,
        LocalClusterIT.SUBMIT_TIMEOUT_SECONDS);
    assertEquals(0, predict.code(), "local predict failed:\n" + LocalClusterIT.tail(predict.err()));

    List<String> cluster = Files.readAllLines(clusterPredictions);
    List<String> local = Files.readAllLines(localPredictions);
    assertEquals(442, cluster.size());
    assertEquals(cluster, local);
    // Predictions of a fitted model, not a constant: they spread over the label range (25..346).
    double min = cluster.stream().mapToDouble(Double::parseDouble).min().orElseThrow();
    double max = cluster.stream().mapToDouble(Double::parseDouble).max().orElseThrow();
    assertTrue(max - min > 100, "predictions span [" + min + ", " + max + "]");
  }
}
