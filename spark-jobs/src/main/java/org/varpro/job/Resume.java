package org.varpro.job;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.varpro.config.ConfigError;

/**
 * {@code train --resume RUN_FOLDER}: finds a stopped run's checkpoint and rebuilds the run from
 * it. RUN_FOLDER is the temporary folder the stop message names, or the run folder the run was
 * writing (its one stopped temporary sibling {@code .NAME.tmp-*} is taken). The run continues
 * with the configuration stored in the checkpoint; {@code --set} may change only the settings in
 * {@link #CHANGEABLE}, which do not change the numbers.
 */
final class Resume {
  /** What --set may change on --resume: where and how it runs, not what it computes. */
  static final List<String> CHANGEABLE = List.of("job.master", "job.spark-ui", "job.log-level",
      "job.checkpoint-every", "job.checkpoint-interval", "solver.time-budget");

  private Resume() {}

  /** A stopped run: its temporary folder, checkpoint and configuration. */
  record Stopped(Path dir, Checkpoint checkpoint, JobConfig job) {}

  static Stopped open(Path given, List<String> overrides, String master) {
    Path dir = locate(given);
    Checkpoint cp = Checkpoint.read(dir);
    Config stored = ConfigFactory.parseString(cp.config().toString(),
        ConfigParseOptions.defaults().setOriginDescription(dir.resolve(Checkpoint.FILE).toString()));
    for (String s : overrides) {
      Config over = JobConfig.withOverrides(ConfigFactory.empty(), List.of(s));
      for (String key : over.entrySet().stream().map(e -> e.getKey()).sorted().toList()) {
        if (!CHANGEABLE.contains(key)) {
          throw new ConfigError("--set " + key, "cannot change when resuming: the run continues with the "
              + "configuration in its checkpoint (only " + String.join(", ", CHANGEABLE) + " may change); to train "
              + "further with other settings, start a new run with " + InitFrom.KEY + " = RUN/model.json");
        }
      }
    }
    Config root = JobConfig.resolve(JobConfig.withOverrides(stored, overrides), dir.resolve(Checkpoint.FILE));
    JobConfig job = JobConfig.parseNamed(root, cp.name(), cp.target(), master);
    return new Stopped(dir, cp, job);
  }

  /** The temporary folder holding the checkpoint. */
  static Path locate(Path given) {
    Path abs = given.toAbsolutePath().normalize();
    if (Files.isRegularFile(abs.resolve(Checkpoint.FILE))) {
      return abs;
    }
    if (abs.getFileName() == null || abs.getParent() == null) {
      throw new ConfigError("--resume", "no checkpoint in " + given);
    }
    String prefix = RunFolder.tempPrefix(abs);
    List<Path> stopped;
    try (Stream<Path> s = Files.isDirectory(abs.getParent()) ? Files.list(abs.getParent()) : Stream.empty()) {
      stopped = s.filter(p -> p.getFileName().toString().startsWith(prefix))
          .filter(p -> Files.isRegularFile(p.resolve(Checkpoint.FILE))).sorted().toList();
    } catch (IOException e) {
      throw new ConfigError("--resume", "cannot list " + abs.getParent() + ": " + RunFolder.describe(e), e);
    }
    if (stopped.size() == 1) {
      return stopped.get(0);
    }
    if (stopped.size() > 1) {
      throw new ConfigError("--resume", "several stopped runs write " + given + ": "
          + String.join(", ", stopped.stream().map(Path::toString).toList()) + "; give one of them");
    }
    if (Files.isRegularFile(abs.resolve("model.json"))) {
      throw new ConfigError("--resume", given + " is a finished run (nothing to resume); to train it further, "
          + "start a new run with " + InitFrom.KEY + " = " + abs.resolve("model.json"));
    }
    throw new ConfigError("--resume", "no checkpoint in " + given + " nor in a stopped run next to it ("
        + prefix + "*/" + Checkpoint.FILE + "); classification runs are not checkpointed");
  }
}
