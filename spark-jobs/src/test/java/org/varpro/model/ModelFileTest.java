package org.varpro.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.varpro.core.classify.ClassifierModel;
import org.varpro.core.classify.LabelIndex;
import org.varpro.core.classify.Softmax;
import org.varpro.core.model.Activation;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.model.Initialization;
import org.varpro.core.model.RowBlock;
import org.varpro.spark.DataError;
import org.varpro.spark.Standardization;

/** model.json: every kind round-trips bit for bit; other layouts are refused by name. */
class ModelFileTest {
  @TempDir
  Path tmp;

  private static final Network NET = new Network("perceptron", new int[] {3, 5}, Activation.TANH, true, true, 1.0,
      Initialization.XAVIER, 0, 1, 2, 7);

  private static double[] random(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = r.nextDouble(-2, 2);
    }
    return v;
  }

  private static FittedModel classifier() {
    FeatureMap map = NET.featureMap();
    Standardization std = new Standardization(new String[] {"a", "b", "c"}, new double[] {1, 2, 3},
        new double[] {0.5, 2, 4}, new String[] {"species"}, new double[1], new double[] {1}, 10);
    LabelIndex classes = LabelIndex.byFrequency(java.util.Map.of("setosa", 5L, "virginica", 4L, "versicolor", 1L));
    return new FittedModel(FittedModel.Kind.CLASSIFICATION, List.of("a", "b", "c"), classes.labels(), NET,
        map.initialParams(7), random(map.numFeatures() * 3, 1), 1e-3, std, classes, "{\"model\":{\"hidden\":[5]}}");
  }

  @Test
  void aClassifierRoundTripsAndPredictsTheSoftmaxOfItsOutputs() throws Exception {
    FittedModel m = classifier();
    Path file = tmp.resolve("model.json");
    Files.writeString(file, ModelFile.toJson(m));
    FittedModel back = ModelFile.read(file);
    assertEquals(FittedModel.Kind.CLASSIFICATION, back.kind());
    assertArrayEquals(m.theta(), back.theta(), 0.0);
    assertArrayEquals(m.c(), back.c(), 0.0);
    assertEquals(m.standardization(), back.standardization());
    assertEquals(m.labelIndex(), back.labelIndex());
    assertEquals(1, back.labelIndex().indexOf(" virginica "));
    assertEquals(-1, back.labelIndex().indexOf("unseen"));

    // Oracle: standardize by hand, the features times C by hand, softmax.
    int rows = 4;
    double[] x = random(rows * 3, 2);
    double[] p = back.probabilities(x, rows);
    double[] xs = new double[rows * 3];
    Standardization s = m.standardization();
    for (int j = 0; j < 3; j++) {
      for (int i = 0; i < rows; i++) {
        xs[i + j * rows] = (x[i + j * rows] - s.featureMean()[j]) / s.featureStd()[j];
      }
    }
    FeatureMap map = NET.featureMap();
    int n = map.numFeatures();
    double[] a = new double[rows * n];
    map.features(m.theta(), RowBlock.regression(rows, 3, 1, xs, new double[rows]), a, 0);
    double[] c = m.c();
    double[] z = new double[rows * 3];
    for (int i = 0; i < rows; i++) {
      for (int k = 0; k < 3; k++) {
        for (int l = 0; l < n; l++) {
          z[i + k * rows] += a[i + l * rows] * c[l + k * n];
        }
      }
    }
    Softmax.probabilities(z, rows, 3, null);
    // The product by hand sums in another order than BLAS: agreement to rounding (n = 6 terms).
    assertArrayEquals(z, p, 1e-14);
    int[] best = ClassifierModel.mostProbable(p, rows, 3);
    for (int i = 0; i < rows; i++) {
      for (int k = 0; k < 3; k++) {
        assertTrue(p[i + k * rows] <= p[i + best[i] * rows]);
      }
    }
  }

  @Test
  void olderAndNewerLayoutsAreRefusedNamingTheVersion() throws Exception {
    ObjectNode doc = (ObjectNode) ModelFile.parse(ModelFile.toJson(classifier()));
    Path file = tmp.resolve("m.json");

    ObjectNode first = doc.deepCopy();
    first.remove("format");
    first.remove("version");
    Files.writeString(file, first.toString());
    DataError old = assertThrows(DataError.class, () -> ModelFile.read(file));
    assertTrue(old.getMessage().startsWith(file + ": a classification model in the first, unversioned layout"),
        old.getMessage());

    ObjectNode newer = doc.deepCopy();
    newer.put("version", 3);
    Files.writeString(file, newer.toString());
    DataError three = assertThrows(DataError.class, () -> ModelFile.read(file));
    assertTrue(three.getMessage().contains("model format version 3 is not supported (this varpro reads 1 to 2)"),
        three.getMessage());

    ObjectNode ml = doc.deepCopy();
    ml.put("format", "varpro-ml-model");
    ml.put("version", 1);
    Files.writeString(file, ml.toString());
    assertTrue(assertThrows(DataError.class, () -> ModelFile.read(file)).getMessage()
        .contains("varpro-ml-model version 1"));
  }

  @Test
  void aVersionOneRegressionFileStillReads() throws Exception {
    FeatureMap map = NET.featureMap();
    Standardization std = Standardization.identity(new String[] {"a", "b", "c"}, new String[] {"y"});
    FittedModel m = new FittedModel(FittedModel.Kind.REGRESSION, List.of("a", "b", "c"), List.of("y"), NET,
        map.initialParams(3), random(map.numFeatures(), 4), 0, std, null, null);
    ObjectNode doc = (ObjectNode) ModelFile.parse(ModelFile.toJson(m));
    doc.put("version", 1);
    Path file = tmp.resolve("v1.json");
    Files.writeString(file, doc.toString());
    FittedModel back = ModelFile.read(file);
    double[] x = random(6, 5);
    assertArrayEquals(m.predict(x, 2), back.predict(x, 2), 0.0);
  }
}
