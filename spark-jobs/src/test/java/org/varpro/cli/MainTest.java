package org.varpro.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {

    private static CommandLine cli(StringWriter out, StringWriter err) {
        CommandLine cmd = new CommandLine(new Main());
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd;
    }

    @Test
    void helpExitsZero() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = cli(out, err).execute("--help");
        assertEquals(0, code);
        assertTrue(out.toString().contains("varpro"), out.toString());
    }

    @Test
    void unknownSubcommandExitsNonZero() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = cli(out, err).execute("no-such-subcommand");
        assertNotEquals(0, code);
    }

    @Test
    void benchPdeBadOptionsExitTwoBeforeAnyRun() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String conf = java.nio.file.Path.of(System.getProperty("user.dir")).resolve("../conf/heat.conf").toString();
        assertEquals(2, cli(out, err).execute("bench", "pde", conf, "--check-every", "0"));
        assertTrue(err.toString().contains("--check-every"), err.toString());
        assertEquals(2, cli(out, err).execute("bench", "pde", conf, "--targets", "1e-8,2"));
        assertTrue(err.toString().contains("--targets"), err.toString());
        assertEquals(2, cli(out, err).execute("bench", "pde", conf, "--peer", "/no/such/peer.py"));
        assertTrue(err.toString().contains("/no/such/peer.py"), err.toString());
        assertEquals("", out.toString(), "nothing runs before the options are checked");
    }
}
