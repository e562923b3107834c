package org.varpro.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Packages depend downward only (DESIGN §5.4): no package of either module's main code may
 * reach itself again through the packages it uses. A use is an import (static or not, wildcard
 * or not) or a fully qualified name in code outside comments; the graph is the project's own
 * packages, and every strongly connected component of more than one package is a cycle.
 */
class PackageCyclesTest {
  private static final Pattern PACKAGE = Pattern.compile("(?m)^package\\s+([\\w.]+)\\s*;");
  private static final Pattern IMPORT = Pattern.compile("(?m)^import\\s+(?:static\\s+)?(org\\.varpro\\.[\\w.]*\\w)(\\.\\*)?\\s*;");
  private static final Pattern QUALIFIED = Pattern.compile("\\borg\\.varpro(?:\\.[a-z]\\w*)+\\.[A-Z]");
  private static final Pattern COMMENT = Pattern.compile("(?s)/\\*.*?\\*/|//[^\\n]*");

  @Test
  void mainCodeHasNoPackageCycle() throws IOException {
    Map<String, Set<String>> graph = new TreeMap<>();
    for (String module : List.of("core-solver", "spark-jobs")) {
      Path root = moduleRoot(module).resolve("src/main/java");
      try (Stream<Path> files = Files.walk(root)) {
        files.filter(f -> f.toString().endsWith(".java")).forEach(f -> addUses(graph, read(f)));
      }
    }
    // Guards against a test that passes because it read nothing.
    assertTrue(graph.containsKey("org.varpro.core.solver") && graph.containsKey("org.varpro.job")
        && graph.size() >= 12, "expected both modules' packages, found " + graph.keySet());
    List<List<String>> cycles = cycles(graph);
    assertTrue(cycles.isEmpty(), () -> "package cycles (each 'a -> b' an import of b in a): "
        + String.join("; ", cycles.stream().map(c -> String.join(" -> ", c)).toList()));
  }

  /** The finder itself, on a graph with one cycle of three, a self-loop (ignored) and a tail. */
  @Test
  void findsACycleAndNamesItsPath() {
    Map<String, Set<String>> g = new TreeMap<>();
    g.put("a", Set.of("b"));
    g.put("b", Set.of("c", "b"));
    g.put("c", Set.of("a", "d"));
    g.put("d", Set.of());
    assertEquals(List.of(List.of("a", "b", "c", "a")), cycles(g));
    g.put("c", Set.of("d"));
    assertEquals(List.of(), cycles(g));
  }

  /** The package a source file declares and the project packages it uses. */
  static void addUses(Map<String, Set<String>> graph, String source) {
    Matcher pm = PACKAGE.matcher(source);
    if (!pm.find()) {
      return;
    }
    String pkg = pm.group(1);
    Set<String> uses = graph.computeIfAbsent(pkg, k -> new TreeSet<>());
    Matcher im = IMPORT.matcher(source);
    while (im.find()) {
      uses.add(im.group(2) != null && isPackageName(im.group(1)) ? im.group(1) : packageOf(im.group(1)));
    }
    Matcher qm = QUALIFIED.matcher(COMMENT.matcher(source).replaceAll(" "));
    while (qm.find()) {
      String name = qm.group();
      uses.add(name.substring(0, name.length() - 2));
    }
    uses.remove(pkg);
  }

  private static boolean isPackageName(String name) {
    return Character.isLowerCase(name.charAt(name.lastIndexOf('.') + 1));
  }

  /** The leading lower-case segments of a qualified name (org.varpro.job.TrainJob.Result → org.varpro.job). */
  static String packageOf(String qualified) {
    String[] parts = qualified.split("\\.");
    StringBuilder sb = new StringBuilder(parts[0]);
    for (int i = 1; i < parts.length && Character.isLowerCase(parts[i].charAt(0)); i++) {
      sb.append('.').append(parts[i]);
    }
    return sb.toString();
  }

  /**
   * One cycle (as a path from its smallest package back to it) per strongly connected component
   * of more than one node (Tarjan's algorithm).
   */
  static List<List<String>> cycles(Map<String, Set<String>> graph) {
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    Set<String> onStack = new TreeSet<>();
    List<Set<String>> components = new ArrayList<>();
    for (String v : graph.keySet()) {
      if (!index.containsKey(v)) {
        strongConnect(v, graph, index, low, stack, onStack, components);
      }
    }
    List<List<String>> out = new ArrayList<>();
    for (Set<String> comp : components) {
      if (comp.size() > 1) {
        out.add(pathWithin(graph, comp));
      }
    }
    return out;
  }

  private static void strongConnect(String v, Map<String, Set<String>> graph, Map<String, Integer> index,
      Map<String, Integer> low, Deque<String> stack, Set<String> onStack, List<Set<String>> components) {
    index.put(v, index.size());
    low.put(v, index.get(v));
    stack.push(v);
    onStack.add(v);
    for (String w : graph.getOrDefault(v, Set.of())) {
      if (!graph.containsKey(w)) {
        continue;
      }
      if (!index.containsKey(w)) {
        strongConnect(w, graph, index, low, stack, onStack, components);
        low.put(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.contains(w)) {
        low.put(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v).equals(index.get(v))) {
      Set<String> comp = new TreeSet<>();
      String w;
      do {
        w = stack.pop();
        onStack.remove(w);
        comp.add(w);
      } while (!w.equals(v));
      components.add(comp);
    }
  }

  /** A shortest path inside the component from its first package back to itself (breadth first). */
  private static List<String> pathWithin(Map<String, Set<String>> graph, Set<String> comp) {
    String start = comp.iterator().next();
    Map<String, String> parent = new HashMap<>();
    Deque<String> queue = new ArrayDeque<>(List.of(start));
    while (!queue.isEmpty()) {
      String v = queue.poll();
      for (String w : new TreeSet<>(graph.get(v))) {
        if (!comp.contains(w) || w.equals(v)) {
          continue;
        }
        if (w.equals(start)) {
          List<String> path = new ArrayList<>();
          for (String u = v; u != null; u = parent.get(u)) {
            path.add(0, u);
          }
          path.add(start);
          return path;
        }
        if (!parent.containsKey(w) && !w.equals(start)) {
          parent.put(w, v);
          queue.add(w);
        }
      }
    }
    throw new IllegalStateException("no cycle through " + start);
  }

  private static Path moduleRoot(String module) {
    Path p = Path.of("..", module);
    return Files.isDirectory(p) ? p : Path.of(module);
  }

  private static String read(Path f) {
    try {
      return Files.readString(f);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
