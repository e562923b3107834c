package org.varpro.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --set key=null} (and {@code key = null} in a file) unsets a key: the configuration is
 * exactly the one that never gave it, so the key's default applies.
 */
class ConfigNullTest {
  @TempDir
  Path tmp;

  private Path file(String name, String text) throws IOException {
    Path f = tmp.resolve(name);
    Files.writeString(f, text);
    return f;
  }

  @Test
  void nullUnsetsKeysOfTheBaseConfiguration() throws IOException {
    Path base = file("base.conf", """
        pde { dimension = 1 }
        solver { lambda = 1e-6, max-iterations = 5, tau = 0.1 }
        """);
    Path without = file("without.conf", """
        pde { dimension = 1 }
        solver { max-iterations = 5 }
        """);
    Config unset = JobConfig.load(base, List.of("solver.lambda=null", "solver.tau = null"));
    assertFalse(unset.hasPathOrNull("solver.lambda"));
    assertEquals(JobConfig.toJson(JobConfig.load(without, List.of())), JobConfig.toJson(unset));

    // A whole section, and a null in the file itself; a later --set gives the key again.
    Config noSolver = JobConfig.load(base, List.of("solver=null"));
    assertFalse(noSolver.hasPathOrNull("solver"));
    Path inFile = file("in-file.conf", "include file(\"" + base + "\")\nsolver.lambda = null\nsolver.tau = null\n");
    assertEquals(JobConfig.toJson(unset), JobConfig.toJson(JobConfig.load(inFile, List.of())));
    assertEquals(JobConfig.toJson(JobConfig.load(base, List.of())),
        JobConfig.toJson(JobConfig.load(inFile, List.of("solver.lambda=1e-6", "solver.tau=0.1"))));
  }
}
