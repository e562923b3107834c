package org.varpro.cli;

import org.varpro.core.linalg.BlasLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the {@code varpro} command line.
 *
 * <p>Run locally through {@code submit/varpro}, or on a cluster with
 * {@code spark-submit --class org.varpro.cli.Main spark-jobs/target/spark-jobs-*-all.jar}.
 */
@Command(
        name = "varpro",
        mixinStandardHelpOptions = true,
        versionProvider = Main.VersionProvider.class,
        description = "Train neural networks by Variable Projection (VarPro), single-process or on Spark.",
        // Subcommands `bench`, `train`, `sweep` and `eval` are registered here, e.g.
        // subcommands = {BenchCommand.class, TrainCommand.class, SweepCommand.class, EvalCommand.class}
        // (the lead adds them).
        subcommands = {BenchCommand.class, TrainCommand.class, SweepCommand.class, EvalCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        try {
            BlasLoader.requestedMode(); // VARPRO_BLAS / -Dvarpro.blas: a bad value is exit 2
        } catch (IllegalArgumentException e) {
            System.err.println("varpro: " + e.getMessage());
            System.exit(2);
        }
        System.exit(new CommandLine(new Main()).execute(args));
    }

    /** Without a subcommand: print usage and fail, so a bare {@code varpro} is not taken for success. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand");
    }

    /** Version from the jar manifest when packaged, else "development". */
    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"varpro " + (v != null ? v : "(development build)")};
        }
    }
}
