package org.varpro.core.pde;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.varpro.core.model.Channels;
import org.varpro.core.model.RowBlock;

/**
 * A linear PDE on a box, L u = f with
 * <pre>
 *   L u = Σ a_ij ∂_i∂_j u + Σ b_i ∂_i u + c u,
 * </pre>
 * coefficients and data given as {@link ScalarField}s (constants or functions of the point), plus
 * its boundary and initial conditions and, optionally, the exact solution.
 *
 * <p><b>Coordinates.</b> The input vector of the network is the variables in the order given
 * (the spatial variables and the time variable, if any, wherever it is listed); every
 * {@link ScalarField} gets its point in that order.
 *
 * <p><b>Conditions.</b> Every face of a spatial variable carries a {@link BoundaryCondition}:
 * Dirichlet u = g, Neumann ∂_n u = h with n the <i>outward</i> normal (so ∂_n = −∂_x on
 * x = x_min and +∂_x on x = x_max), or {@link BoundaryType#NONE} (no rows, e.g. an outflow face).
 * For the time variable only the initial face t = t_min is used: the initial value u = u0, and
 * when the operator is second order in t also the initial velocity ∂_t u = v0. The final time
 * face gets no condition.
 *
 * <p><b>Rows.</b> Row coefficients are over {@link #channels()} (every derivative any row uses);
 * a row's feature vector is a_i = Σ_c coef[i,c] ∂^c φ(x_i), its target the right-hand side:
 * interior rows carry the operator's coefficients at x_i and target f(x_i); Dirichlet rows
 * (value: 1) and target g; Neumann rows (∂_v: ±1) and target h; initial rows (value: 1) and
 * target u0, initial velocity rows (∂_t: 1) and target v0. Terms whose coefficient is the
 * constant 0 are dropped.
 */
public final class LinearPde implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Kind of a boundary condition. */
  public enum BoundaryType { DIRICHLET, NEUMANN, NONE }

  /** A face's condition: u = data (Dirichlet), ∂_n u = data (Neumann, outward normal), or none. */
  public record BoundaryCondition(BoundaryType type, ScalarField data) implements Serializable {
    public BoundaryCondition {
      if (type == null) {
        throw new IllegalArgumentException("boundary condition type is missing");
      }
      if (type != BoundaryType.NONE && data == null) {
        throw new IllegalArgumentException(type.name().toLowerCase() + " condition needs data");
      }
    }

    public static BoundaryCondition dirichlet(ScalarField g) {
      return new BoundaryCondition(BoundaryType.DIRICHLET, g);
    }

    public static BoundaryCondition neumann(ScalarField h) {
      return new BoundaryCondition(BoundaryType.NEUMANN, h);
    }

    public static BoundaryCondition none() {
      return new BoundaryCondition(BoundaryType.NONE, null);
    }
  }

  /**
   * One operator term coefficient·∂u: {@code first == -1} for u itself, {@code second == -1} for
   * a first derivative ∂_first, else the second derivative ∂_first∂_second (first ≤ second).
   */
  public record Term(ScalarField coefficient, int first, int second) implements Serializable {
    public int order() {
      return first < 0 ? 0 : second < 0 ? 1 : 2;
    }
  }

  private final List<String> variables;
  private final int time;
  private final Box box;
  private final List<Term> terms;
  private final ScalarField source;
  /** By face id; null for faces of the time variable. */
  private final BoundaryCondition[] boundary;
  private final ScalarField initialValue;
  private final ScalarField initialVelocity;
  private final ScalarField exact;
  private final int timeOrder;
  private final Channels channels;
  /** Channel of each term. */
  private final int[] termChannel;

  private LinearPde(Builder b) {
    int d = b.variables.size();
    if (d == 0) {
      throw new IllegalArgumentException("a PDE needs at least one variable");
    }
    this.variables = List.copyOf(b.variables);
    this.time = b.time == null ? -1 : index(b.time, "time variable");
    double[] lo = new double[d];
    double[] hi = new double[d];
    List<String> missingDomain = new ArrayList<>();
    for (int v = 0; v < d; v++) {
      double[] side = b.domain.get(variables.get(v));
      if (side == null) {
        missingDomain.add(variables.get(v));
      } else {
        lo[v] = side[0];
        hi[v] = side[1];
      }
    }
    if (!missingDomain.isEmpty()) {
      throw new IllegalArgumentException("no domain interval for " + String.join(", ", missingDomain));
    }
    for (String v : b.domain.keySet()) {
      index(v, "domain variable");
    }
    this.box = new Box(lo, hi);

    List<Term> kept = new ArrayList<>();
    for (Object[] t : b.terms) {
      ScalarField coef = (ScalarField) t[0];
      String[] derivative = (String[]) t[1];
      if (coef instanceof ScalarField.Constant c && c.value() == 0) {
        continue;
      }
      if (derivative.length > 2) {
        throw new IllegalArgumentException("operator terms have order at most 2, got ∂"
            + String.join("∂", derivative));
      }
      int i = derivative.length > 0 ? index(derivative[0], "derivative variable") : -1;
      int j = derivative.length > 1 ? index(derivative[1], "derivative variable") : -1;
      kept.add(new Term(coef, j < 0 ? i : Math.min(i, j), j < 0 ? -1 : Math.max(i, j)));
    }
    if (kept.isEmpty()) {
      throw new IllegalArgumentException("the operator has no (nonzero) terms");
    }
    this.terms = List.copyOf(kept);
    this.source = b.source == null ? ScalarField.ZERO : b.source;
    int order = 0;
    for (Term t : terms) {
      order = Math.max(order, (t.first == time && time >= 0 ? 1 : 0) + (t.second == time && time >= 0 ? 1 : 0));
    }
    this.timeOrder = order;

    boundary = new BoundaryCondition[2 * d];
    for (Map.Entry<Face, BoundaryCondition> e : b.boundary.entrySet()) {
      Face f = e.getKey();
      if (f.variable() >= d) {
        throw new IllegalArgumentException("face of variable " + f.variable() + " outside the " + d + " variables");
      }
      if (f.variable() == time) {
        throw new IllegalArgumentException("no boundary condition on " + faceLabel(f)
            + ": the time variable takes an initial value (and velocity) instead");
      }
      boundary[f.id()] = e.getValue();
    }
    List<String> missing = new ArrayList<>();
    for (Face f : spatialFaces()) {
      if (boundary[f.id()] == null) {
        missing.add(faceName(f));
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("no boundary condition for face " + String.join(", ", missing)
          + " (give a Dirichlet or Neumann condition, or none explicitly)");
    }
    this.initialValue = b.initialValue;
    this.initialVelocity = b.initialVelocity;
    if (time < 0) {
      if (initialValue != null || initialVelocity != null) {
        throw new IllegalArgumentException("initial conditions need a time variable");
      }
    } else {
      if (timeOrder == 0) {
        throw new IllegalArgumentException("time variable " + variables.get(time)
            + " is declared but the operator has no derivative in it");
      }
      if (initialValue == null) {
        throw new IllegalArgumentException("no initial value for time variable " + variables.get(time));
      }
      if (timeOrder == 2 && initialVelocity == null) {
        throw new IllegalArgumentException("the operator is second order in " + variables.get(time)
            + ": an initial velocity is needed");
      }
      if (timeOrder < 2 && initialVelocity != null) {
        throw new IllegalArgumentException("an initial velocity is only used when the operator is second order in "
            + variables.get(time));
      }
    }
    this.exact = b.exact;

    List<int[]> derivatives = new ArrayList<>();
    for (Term t : terms) {
      if (t.first >= 0) {
        derivatives.add(t.second < 0 ? new int[] {t.first} : new int[] {t.first, t.second});
      }
    }
    for (Face f : spatialFaces()) {
      if (boundary[f.id()].type() == BoundaryType.NEUMANN) {
        derivatives.add(new int[] {f.variable()});
      }
    }
    if (timeOrder == 2) {
      derivatives.add(new int[] {time});
    }
    this.channels = Channels.of(d, derivatives);
    termChannel = new int[terms.size()];
    for (int k = 0; k < terms.size(); k++) {
      Term t = terms.get(k);
      termChannel[k] = t.first < 0 ? 0 : t.second < 0 ? channels.channelOfFirst(t.first)
          : channels.channelOfSecond(t.first, t.second);
    }
  }

  private int index(String name, String what) {
    int i = variables.indexOf(name);
    if (i < 0) {
      throw new IllegalArgumentException("unknown " + what + " '" + name + "' (variables: "
          + String.join(", ", variables) + ")");
    }
    return i;
  }

  public static Builder builder(String... variables) {
    return new Builder(List.of(variables));
  }

  public static Builder builder(List<String> variables) {
    return new Builder(variables);
  }

  /** Collects a specification; {@link #build()} checks it. */
  public static final class Builder {
    private final List<String> variables;
    private String time;
    private final Map<String, double[]> domain = new LinkedHashMap<>();
    private final List<Object[]> terms = new ArrayList<>();
    private ScalarField source;
    private final Map<Face, BoundaryCondition> boundary = new LinkedHashMap<>();
    private ScalarField initialValue;
    private ScalarField initialVelocity;
    private ScalarField exact;

    private Builder(List<String> variables) {
      if (variables.stream().distinct().count() != variables.size()) {
        throw new IllegalArgumentException("variables are listed twice: " + variables);
      }
      for (String v : variables) {
        if (v == null || v.isBlank()) {
          throw new IllegalArgumentException("variable names must not be blank");
        }
      }
      this.variables = List.copyOf(variables);
    }

    /** Marks one of the variables as time. */
    public Builder time(String variable) {
      this.time = variable;
      return this;
    }

    public Builder domain(String variable, double lower, double upper) {
      domain.put(variable, new double[] {lower, upper});
      return this;
    }

    /**
     * Adds coefficient·∂u: no variables for u itself, one for ∂_v u, two for ∂_v∂_w u. Terms with
     * the same derivative add up.
     */
    public Builder term(ScalarField coefficient, String... derivative) {
      terms.add(new Object[] {coefficient, derivative.clone()});
      return this;
    }

    public Builder term(double coefficient, String... derivative) {
      return term(ScalarField.constant(coefficient), derivative);
    }

    /** Right-hand side f (0 when not given). */
    public Builder source(ScalarField f) {
      this.source = f;
      return this;
    }

    public Builder boundary(Face face, BoundaryCondition condition) {
      boundary.put(face, condition);
      return this;
    }

    private Face face(String name) {
      int cut = name.lastIndexOf('_');
      String side = cut < 0 ? "" : name.substring(cut + 1);
      int v = cut < 0 ? -1 : variables.indexOf(name.substring(0, cut));
      if (v < 0 || !(side.equals("min") || side.equals("max"))) {
        throw new IllegalArgumentException("unknown face '" + name + "' (faces are <variable>_min and <variable>_max)");
      }
      return new Face(v, side.equals("max"));
    }

    /** u = g on the face named like "x_min" or "x_max". */
    public Builder dirichlet(String face, ScalarField g) {
      return boundary(face(face), BoundaryCondition.dirichlet(g));
    }

    /** ∂_n u = h (outward normal) on the named face. */
    public Builder neumann(String face, ScalarField h) {
      return boundary(face(face), BoundaryCondition.neumann(h));
    }

    /** No condition (and no rows) on the named face. */
    public Builder noCondition(String face) {
      return boundary(face(face), BoundaryCondition.none());
    }

    public Builder initialValue(ScalarField u0) {
      this.initialValue = u0;
      return this;
    }

    public Builder initialVelocity(ScalarField v0) {
      this.initialVelocity = v0;
      return this;
    }

    public Builder exact(ScalarField u) {
      this.exact = u;
      return this;
    }

    public LinearPde build() {
      return new LinearPde(this);
    }
  }

  public List<String> variables() {
    return variables;
  }

  /** Input dimension: the number of variables. */
  public int dim() {
    return variables.size();
  }

  /** Index of the time variable, or −1. */
  public int timeIndex() {
    return time;
  }

  public boolean isTimeDependent() {
    return time >= 0;
  }

  /** Highest order of time derivative in the operator (0 without a time variable). */
  public int timeOrder() {
    return timeOrder;
  }

  public Box box() {
    return box;
  }

  public List<Term> terms() {
    return terms;
  }

  public ScalarField source() {
    return source;
  }

  /** The condition on a spatial face. */
  public BoundaryCondition boundary(Face face) {
    if (face.variable() == time || face.variable() >= dim()) {
      throw new IllegalArgumentException("face " + faceLabel(face) + " is not a spatial face");
    }
    return boundary[face.id()];
  }

  public ScalarField initialValue() {
    return initialValue;
  }

  public ScalarField initialVelocity() {
    return initialVelocity;
  }

  /** The exact solution, or null. */
  public ScalarField exact() {
    return exact;
  }

  public boolean hasExact() {
    return exact != null;
  }

  /** Every derivative channel a row uses (operator terms, Neumann normals, initial velocity). */
  public Channels channels() {
    return channels;
  }

  /** All faces of the spatial variables, in variable order, lower face first. */
  public List<Face> spatialFaces() {
    List<Face> out = new ArrayList<>();
    for (int v = 0; v < dim(); v++) {
      if (v != time) {
        out.add(Face.lower(v));
        out.add(Face.upper(v));
      }
    }
    return out;
  }

  /** The face t = t_min, or null without a time variable. */
  public Face initialFace() {
    return time < 0 ? null : Face.lower(time);
  }

  /** The faces that get rows: spatial faces with a condition other than none, then the initial face. */
  public List<Face> constrainedFaces() {
    List<Face> out = new ArrayList<>();
    for (Face f : spatialFaces()) {
      if (boundary[f.id()].type() != BoundaryType.NONE) {
        out.add(f);
      }
    }
    if (time >= 0) {
      out.add(initialFace());
    }
    return out;
  }

  public boolean isInitialFace(Face face) {
    return time >= 0 && face.variable() == time && !face.upper();
  }

  /** Rows one point on the face gives: 2 on the initial face of a second-order-in-time problem, else 1. */
  public int rowsPerPoint(Face face) {
    if (isInitialFace(face)) {
      return timeOrder == 2 ? 2 : 1;
    }
    return boundary(face).type() == BoundaryType.NONE ? 0 : 1;
  }

  /** "x_min", "x_max", …; the initial face is "initial". */
  public String faceName(Face face) {
    return isInitialFace(face) ? "initial" : faceLabel(face);
  }

  private String faceLabel(Face face) {
    return variables.get(face.variable()) + (face.upper() ? "_max" : "_min");
  }

  /** The face called {@link #faceName(Face) name}. */
  public Face face(String name) {
    if (name.equals("initial")) {
      if (time < 0) {
        throw new IllegalArgumentException("face 'initial' needs a time variable");
      }
      return initialFace();
    }
    for (Face f : spatialFaces()) {
      if (faceName(f).equals(name)) {
        return f;
      }
    }
    List<String> names = new ArrayList<>();
    for (Face f : constrainedFaces()) {
      names.add(faceName(f));
    }
    throw new IllegalArgumentException("unknown face '" + name + "' (faces: " + String.join(", ", names) + ")");
  }

  /**
   * Interior rows at the points: coefficients of the operator at each point, target f, the given
   * weight.
   */
  public RowBlock interiorRows(PointSet points, double weight) {
    checkPoints(points);
    int r = points.count;
    int nc = channels.count();
    double[] coef = new double[r * nc];
    double[] y = new double[r];
    double[] p = new double[dim()];
    for (int i = 0; i < r; i++) {
      points.point(i, p);
      for (int k = 0; k < terms.size(); k++) {
        coef[i + termChannel[k] * r] += terms.get(k).coefficient.value(p);
      }
      y[i] = source.value(p);
    }
    return new RowBlock(r, dim(), 1, points.x.clone(), y, filled(r, weight), channels, coef);
  }

  /**
   * Boundary rows at points on spatial faces (tagged with their face ids): Dirichlet
   * (value: 1, target g) or Neumann (∂_v: ±1 along the outward normal, target h).
   */
  public RowBlock boundaryRows(PointSet points, double weight) {
    checkPoints(points);
    if (points.face == null && points.count > 0) {
      throw new IllegalArgumentException("boundary points need face tags");
    }
    int r = points.count;
    int nc = channels.count();
    double[] coef = new double[r * nc];
    double[] y = new double[r];
    double[] p = new double[dim()];
    for (int i = 0; i < r; i++) {
      Face f = Face.ofId(points.face[i]);
      BoundaryCondition bc = boundary(f);
      points.point(i, p);
      switch (bc.type()) {
        case DIRICHLET -> coef[i] = 1;
        case NEUMANN -> coef[i + channels.channelOfFirst(f.variable()) * r] = f.outwardSign();
        case NONE -> throw new IllegalArgumentException("face " + faceName(f) + " has no condition: no rows");
        default -> throw new IllegalStateException();
      }
      y[i] = bc.data().value(p);
    }
    return new RowBlock(r, dim(), 1, points.x.clone(), y, filled(r, weight), channels, coef);
  }

  /**
   * Initial rows at points on the slice t = t_min: value rows (value: 1, target u0) for all
   * points, then, when the operator is second order in time, velocity rows (∂_t: 1, target v0)
   * for the same points in the same order.
   */
  public RowBlock initialRows(PointSet points, double weight) {
    checkPoints(points);
    if (time < 0) {
      throw new IllegalArgumentException("initial rows need a time variable");
    }
    int n = points.count;
    int copies = timeOrder == 2 ? 2 : 1;
    int r = n * copies;
    int d = dim();
    int nc = channels.count();
    double[] x = new double[r * d];
    double[] coef = new double[r * nc];
    double[] y = new double[r];
    double[] p = new double[d];
    int ct = channels.channelOfFirst(time);
    for (int i = 0; i < n; i++) {
      points.point(i, p);
      for (int copy = 0; copy < copies; copy++) {
        int row = i + copy * n;
        for (int k = 0; k < d; k++) {
          x[row + k * r] = p[k];
        }
        if (copy == 0) {
          coef[row] = 1;
          y[row] = initialValue.value(p);
        } else {
          coef[row + ct * r] = 1;
          y[row] = initialVelocity.value(p);
        }
      }
    }
    return new RowBlock(r, d, 1, x, y, filled(r, weight), channels, coef);
  }

  private void checkPoints(PointSet points) {
    if (points.dim != dim()) {
      throw new IllegalArgumentException("points have dimension " + points.dim + ", the PDE has "
          + dim() + " variables");
    }
  }

  private static double[] filled(int r, double w) {
    double[] a = new double[r];
    Arrays.fill(a, w);
    return a;
  }

  /** One line for logs, e.g. "1·∂t − 0.25·∂x∂x … = f on [0,1]×[0,1], time t". */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    for (int k = 0; k < terms.size(); k++) {
      Term t = terms.get(k);
      sb.append(k == 0 ? "" : " + ").append(t.coefficient()).append('·');
      if (t.first < 0) {
        sb.append('u');
      } else {
        sb.append('∂').append(variables.get(t.first));
        if (t.second >= 0) {
          sb.append('∂').append(variables.get(t.second));
        }
        sb.append('u');
      }
    }
    sb.append(" = f on ").append(box).append(" (").append(String.join(", ", variables)).append(')');
    if (time >= 0) {
      sb.append(", time ").append(variables.get(time));
    }
    return sb.toString();
  }
}
