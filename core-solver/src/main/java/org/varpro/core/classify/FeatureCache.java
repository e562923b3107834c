package org.varpro.core.classify;

import java.lang.ref.SoftReference;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.model.RowBlock;

/**
 * The features A(θ) of row blocks, kept in this JVM for the last θ each block was asked at: the
 * inner Newton solve makes many passes at one θ with only C changing, and on a Spark executor
 * each pass would otherwise recompute A(θ) for every cached block (the largest cost of a pass
 * that sums loss and gradient only). The same numbers a pass computes, so the cache changes no
 * bit.
 *
 * <p>Keyed by the block object (a cached partition hands the same objects to every pass; a block
 * read again from disk is a new key and computes afresh) and checked against θ and the feature
 * map, so a stale entry is never used. Blocks are held weakly and features softly: the cache
 * gives way when the blocks go or memory is short. Thread-safe (tasks of one executor share it).
 */
public final class FeatureCache {
  private FeatureCache() {}

  private record Entry(FeatureMap map, double[] theta, SoftReference<double[]> features) {}

  private static final Map<RowBlock, Entry> CACHE = Collections.synchronizedMap(new WeakHashMap<>());

  /**
   * A(θ) of the block (rows×n, column-major); {@code theta} must not change afterwards (it is
   * kept to check later requests).
   */
  public static double[] features(FeatureMap map, double[] theta, RowBlock block) {
    Entry e = CACHE.get(block);
    if (e != null && e.map == map && Arrays.equals(e.theta, theta)) {
      double[] a = e.features.get();
      if (a != null) {
        return a;
      }
    }
    double[] a = new double[block.rows * map.numFeatures()];
    map.features(theta, block, a, 0);
    CACHE.put(block, new Entry(map, theta, new SoftReference<>(a)));
    return a;
  }
}
