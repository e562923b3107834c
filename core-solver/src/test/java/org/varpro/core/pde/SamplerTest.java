package org.varpro.core.pde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SamplerTest {
  static final Box BOX = new Box(new double[] {0, -1, 2}, new double[] {1, 1, 5});

  static List<PointSampler> samplers() {
    List<Face> faces = List.of(Face.lower(0), Face.upper(0), Face.lower(1), Face.upper(2));
    List<PointSampler> out = new ArrayList<>();
    out.add(new BoxSampler(BOX, 1001, PointSequence.uniform()));
    out.add(new BoxSampler(BOX, 1001, PointSequence.sobol(false)));
    out.add(new BoxSampler(BOX, 1001, PointSequence.sobol(true)));
    out.add(new BoxSampler(BOX, 1001, PointSequence.halton(false)));
    out.add(new BoxSampler(BOX, 1001, PointSequence.halton(true)));
    out.add(TensorGrid.withCount(BOX, 1000, TensorGrid.Nodes.INTERIOR));
    out.add(TensorGrid.uniform(BOX, 11, TensorGrid.Nodes.ENDPOINTS));
    out.add(FaceSampler.proportional(BOX, faces, 333, PointSequence.uniform()));
    out.add(FaceSampler.proportional(BOX, faces, 333, PointSequence.sobol(true)));
    out.add(FaceSampler.proportional(BOX, faces, 333, null));
    out.add(FaceSampler.perFace(BOX, faces, new int[] {5, 0, 17, 40}, PointSequence.halton(true)));
    out.add(FaceSampler.union(BOX, faces, 333, PointSequence.uniform()));
    out.add(FaceSampler.union(BOX, faces, 333, PointSequence.sobol(false)));
    return out;
  }

  @Test
  void samplersAreReproducible() {
    for (PointSampler s : samplers()) {
      assertEquals(s.points(42), s.points(42), s.describe());
    }
    PointSampler u = new BoxSampler(BOX, 100, PointSequence.uniform());
    assertFalse(u.points(1).equals(u.points(2)));
    assertFalse(new BoxSampler(BOX, 100, PointSequence.sobol(true)).points(1)
        .equals(new BoxSampler(BOX, 100, PointSequence.sobol(true)).points(2)));
    assertEquals(new BoxSampler(BOX, 100, PointSequence.sobol(false)).points(1),
        new BoxSampler(BOX, 100, PointSequence.sobol(false)).points(2));
  }

  @Test
  void partitionsConcatenateToTheFullSet() {
    for (PointSampler s : samplers()) {
      PointSet full = s.points(9);
      for (int parts : new int[] {1, 2, 3, 8, 17}) {
        PointSet[] pieces = new PointSet[parts];
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (int j = 0; j < parts; j++) {
          pieces[j] = s.points(9, j, parts);
          min = Math.min(min, pieces[j].count);
          max = Math.max(max, pieces[j].count);
        }
        assertEquals(full, PointSet.concat(pieces), s.describe() + " in " + parts);
        assertTrue(max - min <= 1);
      }
    }
  }

  @Test
  void pointsLieInTheBox() {
    for (PointSampler s : samplers()) {
      PointSet p = s.points(3);
      for (int i = 0; i < p.count; i++) {
        assertTrue(BOX.contains(p.point(i)), s.describe());
      }
    }
  }

  @Test
  void sobolMatchesThePublishedSequence() {
    PointSequence sobol = PointSequence.sobol(false);
    double[][] expected = {{0.5, 0.5}, {0.75, 0.25}, {0.25, 0.75}, {0.375, 0.375}, {0.875, 0.875},
        {0.625, 0.125}, {0.125, 0.625}};
    double[] u = new double[2];
    for (int i = 0; i < expected.length; i++) {
      sobol.point(123, i, u);
      assertArrayEquals(expected[i], u, 0, "point " + i);
    }
    // Joe–Kuo new-joe-kuo-6.21201, 8 dimensions, as 32-bit integers (point number n; 0 is the origin).
    long[][] points8 = {
        {1, 2147483648L, 2147483648L, 2147483648L, 2147483648L, 2147483648L, 2147483648L, 2147483648L, 2147483648L},
        {2, 3221225472L, 1073741824L, 1073741824L, 1073741824L, 3221225472L, 3221225472L, 1073741824L, 3221225472L},
        {4, 1610612736L, 1610612736L, 2684354560L, 3758096384L, 1610612736L, 536870912L, 1610612736L, 3758096384L},
        {7, 536870912L, 2684354560L, 1610612736L, 536870912L, 536870912L, 1610612736L, 2684354560L, 2684354560L},
        {100, 1778384896L, 1107296256L, 3321888768L, 3120562176L, 3791650816L, 3187671040L, 100663296L, 2046820352L},
        {1000, 943718400L, 415236096L, 2227175424L, 2906652672L, 1203765248L, 3896508416L, 197132288L, 3862953984L},
        {1023, 4194304L, 3233808384L, 2629828608L, 624951296L, 801112064L, 1883242496L, 599785472L, 2654994432L},
    };
    for (long[] row : points8) {
      int[] bits = SobolSequence.integerPoint(row[0], 8);
      for (int d = 0; d < 8; d++) {
        assertEquals(row[d + 1], bits[d] & 0xFFFFFFFFL, "point " + row[0] + " dim " + d);
      }
    }
    long[] point37 = {3959422976L, 2751463424L, 2483027968L, 3959422976L, 3288334336L, 1275068416L,
        738197504L, 3422552064L, 2617245696L, 738197504L, 67108864L, 335544320L, 2483027968L,
        3690987520L, 469762048L, 2080374784L, 3422552064L, 1811939328L, 201326592L, 603979776L,
        4093640704L};
    int[] bits = SobolSequence.integerPoint(37, 21);
    for (int d = 0; d < 21; d++) {
      assertEquals(point37[d], bits[d] & 0xFFFFFFFFL, "dim " + d);
    }
  }

  @Test
  void sobolIsANet() {
    // The first 2^k points (with the origin) put exactly one point in each dyadic interval.
    for (int d = 0; d < SobolSequence.MAX_DIMENSION; d++) {
      boolean[] seen = new boolean[1024];
      for (int n = 0; n < 1024; n++) {
        int cell = (int) ((SobolSequence.integerPoint(n, d + 1)[d] & 0xFFFFFFFFL) >>> 22);
        assertFalse(seen[cell], "dimension " + d);
        seen[cell] = true;
      }
    }
  }

  @Test
  void shiftedSobolFacePointsLeaveNoGapWiderThanThreeDyadicCells() {
    // conf/heat.conf's layout: 40 points on each of x = 0, x = 1 and t = 0 of [0,1]². A face
    // takes Sobol points 1..40 (the origin skipped); points 0..31 put one point in each
    // [k/32, (k+1)/32), and a digital shift XORs every coordinate with one constant, which
    // permutes these intervals. So points 1..31 leave at most one interval empty, and no gap
    // between neighbours (or to an end of the face) reaches 3/32, whatever the seed. Uniform
    // points have no such bound (seed 1 leaves 0.134 at the top of x = 0, the gap that floored
    // heat's error: docs/defaults-evidence.md).
    Box square = new Box(new double[] {0, 0}, new double[] {1, 1});
    List<Face> faces = List.of(Face.lower(0), Face.upper(0), Face.lower(1));
    FaceSampler sampler = FaceSampler.proportional(square, faces, 120, PointSequence.sobol(true));
    for (long seed = 1; seed <= 50; seed++) {
      PointSet p = sampler.points(seed);
      for (Face f : faces) {
        int along = 1 - f.variable();
        double[] t = new double[40];
        int k = 0;
        for (int i = 0; i < p.count; i++) {
          if (p.face[i] == f.id()) {
            t[k++] = p.point(i)[along];
          }
        }
        assertEquals(40, k);
        Arrays.sort(t);
        double gap = Math.max(t[0], 1 - t[39]);
        for (int i = 1; i < 40; i++) {
          gap = Math.max(gap, t[i] - t[i - 1]);
        }
        assertTrue(gap < 3.0 / 32, "seed " + seed + ", face " + f + ": gap " + gap);
      }
    }
  }

  @Test
  void haltonStartsWithTheRadicalInverses() {
    PointSequence h = PointSequence.halton(false);
    double[][] expected = {{1 / 2.0, 1 / 3.0, 1 / 5.0}, {1 / 4.0, 2 / 3.0, 2 / 5.0},
        {3 / 4.0, 1 / 9.0, 3 / 5.0}, {1 / 8.0, 4 / 9.0, 4 / 5.0}, {5 / 8.0, 7 / 9.0, 1 / 25.0}};
    double[] u = new double[3];
    for (int i = 0; i < expected.length; i++) {
      h.point(0, i, u);
      assertArrayEquals(expected[i], u, 0, "point " + i);
    }
    assertArrayEquals(new int[] {2, 3, 5, 7, 11, 13, 17, 19}, HaltonSequence.bases(8));
    // The random shift moves every point by the same amount mod 1.
    PointSequence shifted = PointSequence.halton(true);
    double[] a = new double[3];
    double[] b = new double[3];
    double[] first = new double[3];
    shifted.point(5, 0, first);
    for (int i = 1; i < 20; i++) {
      h.point(0, i, a);
      shifted.point(5, i, b);
      for (int d = 0; d < 3; d++) {
        double delta = ((b[d] - a[d]) % 1 + 1) % 1;
        double delta0 = ((first[d] - expected[0][d]) % 1 + 1) % 1;
        assertEquals(delta0, delta, 1e-12);
      }
    }
  }

  @Test
  void boundaryPointsLieOnTheirFaces() {
    for (PointSampler s : samplers()) {
      if (!(s instanceof FaceSampler fs)) {
        continue;
      }
      PointSet p = s.points(11);
      int[] counts = new int[6];
      for (int i = 0; i < p.count; i++) {
        Face f = Face.ofId(p.face[i]);
        assertTrue(fs.faces().contains(f));
        double[] x = p.point(i);
        assertEquals(f.coordinate(BOX), x[f.variable()], 0, s.describe());
        for (int d = 0; d < 3; d++) {
          if (d != f.variable()) {
            assertTrue(x[d] >= BOX.lower(d) && x[d] <= BOX.upper(d));
          }
        }
        counts[f.id()]++;
      }
      int[] expected = fs.faceCounts(11);
      for (int f = 0; f < fs.faces().size(); f++) {
        assertEquals(expected[f], counts[fs.faces().get(f).id()], s.describe());
      }
      assertEquals(p.count, Arrays.stream(expected).sum());
    }
  }

  @Test
  void proportionalCountsFollowTheFaceMeasures() {
    // Measures: x faces 2·3 = 6, y face 1·3 = 3, z face 1·2 = 2; total 17.
    List<Face> faces = List.of(Face.lower(0), Face.upper(0), Face.lower(1), Face.upper(2));
    int[] c = FaceSampler.proportionalCounts(BOX, faces, 170);
    assertArrayEquals(new int[] {60, 60, 30, 20}, c);
    c = FaceSampler.proportionalCounts(BOX, faces, 100);
    assertEquals(100, Arrays.stream(c).sum());
    // 100·6/17 = 35.29, 100·3/17 = 17.65, 100·2/17 = 11.76: remainders go to y, then z.
    assertArrayEquals(new int[] {35, 35, 18, 12}, c);
    // The union layout hits faces in about the same proportions.
    FaceSampler union = FaceSampler.union(BOX, faces, 17000, PointSequence.sobol(false));
    int[] u = union.faceCounts(0);
    assertEquals(6000, u[0], 5);
    assertEquals(2000, u[3], 5);
  }

  @Test
  void gridsHaveTheDocumentedNodes() {
    TensorGrid g = TensorGrid.uniform(Box.unit(2), 101, TensorGrid.Nodes.ENDPOINTS);
    assertEquals(10201, g.size());
    PointSet p = g.points(0);
    assertArrayEquals(new double[] {0, 0}, p.point(0));
    assertArrayEquals(new double[] {0.01, 0}, p.point(1), 1e-15);
    assertArrayEquals(new double[] {1, 0}, p.point(100));
    assertArrayEquals(new double[] {0, 0.01}, p.point(101), 1e-15);
    assertArrayEquals(new double[] {1, 1}, p.point(10200));
    TensorGrid inner = TensorGrid.withCount(Box.unit(2), 900, TensorGrid.Nodes.INTERIOR);
    assertArrayEquals(new int[] {30, 30}, inner.counts());
    assertArrayEquals(new double[] {1 / 31.0, 1 / 31.0}, inner.points(0).point(0), 1e-15);
    assertArrayEquals(new int[] {10, 20},
        TensorGrid.withCount(new Box(new double[] {0, 0}, new double[] {1, 2}), 200, TensorGrid.Nodes.INTERIOR).counts());
  }
}
