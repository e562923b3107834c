package org.varpro.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.launcher.JavaModuleOptions;
import org.junit.jupiter.api.Test;

/**
 * Keeps the two copies of Spark's Java 17 module flags in step with Spark itself (less the
 * incubator vector module):
 * submit/jvm-module-flags.txt (read by submit/varpro) and the parent pom property
 * spark.module.flags (Surefire's argLine, so visible in this JVM's arguments).
 */
class JvmModuleFlagsTest {

    private static List<String> flagsFile() throws IOException {
        Path p = Path.of("..", "submit", "jvm-module-flags.txt");
        if (!Files.exists(p)) {
            p = Path.of("submit", "jvm-module-flags.txt");
        }
        return Files.readAllLines(p).stream()
                .map(l -> l.replaceAll("#.*", "").strip())
                .filter(l -> !l.isEmpty())
                .collect(Collectors.toList());
    }

    /**
     * Left out on purpose: it only speeds netlib's pure-Java BLAS fallback and makes every JVM
     * print "WARNING: Using incubator modules" (README "Native BLAS").
     */
    static final String INCUBATOR_VECTOR = "--add-modules=jdk.incubator.vector";

    @Test
    void flagsFileMatchesSparkLauncher() throws IOException {
        List<String> spark = new ArrayList<>(Arrays.asList(JavaModuleOptions.defaultModuleOptionArray()));
        assertTrue(spark.remove(INCUBATOR_VECTOR), "Spark's list no longer has " + INCUBATOR_VECTOR);
        assertEquals(spark, flagsFile());
    }

    @Test
    void surefireArgLineCarriesTheFlags() throws IOException {
        List<String> jvmArgs = ManagementFactory.getRuntimeMXBean().getInputArguments();
        for (String flag : flagsFile()) {
            assertTrue(jvmArgs.contains(flag), "missing from Surefire argLine: " + flag + " in " + jvmArgs);
        }
    }
}
