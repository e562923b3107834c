package org.varpro.core.classify;

import java.util.Arrays;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.model.RowBlock;
import org.varpro.core.stats.StatsKind;

/**
 * Single-process passes over blocks folded in a fixed order. The features A(θ) of every block
 * are cached for the last θ of an inner pass, since the inner Newton solve makes several passes
 * at the same θ and only C changes.
 */
public final class LocalClassifyEvaluator implements ClassifyEvaluator {
  private final FeatureMap map;
  private final RowBlock[] blocks;
  private final int classes;
  private final long rows;
  private double[] cachedTheta;
  private double[][] cachedFeatures;

  public LocalClassifyEvaluator(FeatureMap map, int classes, RowBlock... blocks) {
    if (blocks.length == 0) {
      throw new IllegalArgumentException("no rows to fit");
    }
    if (classes < 2) {
      throw new IllegalArgumentException("classification needs at least 2 classes, got " + classes);
    }
    long r = 0;
    for (RowBlock b : blocks) {
      if (b.inputDim != map.inputDim()) {
        throw new IllegalArgumentException("row block has " + b.inputDim + " inputs; the feature map expects "
            + map.inputDim());
      }
      if (!map.supports(b.channels)) {
        throw new IllegalArgumentException(map.describe() + " does not support channels " + b.channels);
      }
      ClassLabels.targets(b, classes); // validates the labels once
      r += b.rows;
    }
    this.map = map;
    this.blocks = blocks;
    this.classes = classes;
    this.rows = r;
  }

  /** Splits one block of rows into blocks of at most {@code blockRows}. */
  public static LocalClassifyEvaluator ofRows(FeatureMap map, int classes, RowBlock rows, int blockRows) {
    return new LocalClassifyEvaluator(map, classes, rows.split(blockRows));
  }

  @Override
  public FeatureMap featureMap() {
    return map;
  }

  @Override
  public int classes() {
    return classes;
  }

  @Override
  public long rows() {
    return rows;
  }

  public RowBlock[] blocks() {
    return blocks.clone();
  }

  private double[][] features(double[] theta) {
    if (cachedTheta == null || !Arrays.equals(cachedTheta, theta)) {
      double[][] f = new double[blocks.length][];
      for (int b = 0; b < blocks.length; b++) {
        f[b] = new double[blocks[b].rows * map.numFeatures()];
        map.features(theta, blocks[b], f[b], 0);
      }
      cachedFeatures = f;
      cachedTheta = theta.clone();
    }
    return cachedFeatures;
  }

  @Override
  public SoftmaxStats softmax(double[] theta, double[] c, SoftmaxStats.Level level) {
    double[][] a = features(theta);
    SoftmaxStats s = new SoftmaxStats(map.numFeatures(), classes, level);
    for (int b = 0; b < blocks.length; b++) {
      s.add(a[b], 0, blocks[b], c);
    }
    return s;
  }

  @Override
  public GaussNewtonStats gaussNewton(double[] theta, double[] c, StatsKind kind) {
    GaussNewtonStats s = new GaussNewtonStats(map.numFeatures(), map.numParams(), classes, kind);
    for (RowBlock b : blocks) {
      s.add(map, theta, c, b);
    }
    return s;
  }

  @Override
  public ParamVectorStats gradient(double[] theta, double[] c) {
    ParamVectorStats s = new ParamVectorStats(map.numParams());
    for (RowBlock b : blocks) {
      s.addGradient(map, theta, c, classes, b);
    }
    return s;
  }

  @Override
  public ParamVectorStats product(double[] theta, double[] c, double[] v) {
    ParamVectorStats s = new ParamVectorStats(map.numParams());
    for (RowBlock b : blocks) {
      s.addProduct(map, theta, c, classes, v, b);
    }
    return s;
  }
}
