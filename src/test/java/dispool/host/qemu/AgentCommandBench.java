package dispool.host.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A command's round trip through the guest's agent, the two ways the agent takes one, on one
 * running guest, turn about: {@code run} (plain text in, raw lines out: one fork in the guest)
 * against {@code exec} (base64 both ways: five more forks), each {@code uname -r} as
 * {@code qubes.VMExec+uname+--r} runs it. The command with a line break after it goes as exec,
 * which is how the same agent is made to take the older form. Prints the medians and writes
 * {@code target/agent-command.csv}.
 *
 * <pre>mvn -B -o test -Dbench.excluded=none -Dtest=AgentCommandBench</pre> (about 1 min)
 */
@Tag("bench")
class AgentCommandBench {

    static final int ROUNDS = 20;
    static final Duration TIMEOUT = Duration.ofSeconds(120);
    static final String COMMAND = "'uname' '-r'";

    @TempDir
    Path tmp;
    private QemuHost host;

    @AfterEach
    void stop() {
        QemuGuest.stopAll(host);
    }

    @Test
    void aCommandAsPlainTextForksLessThanOneInBase64() throws Exception {
        host = QemuGuest.openOneTemplate(tmp.resolve("state"));
        String name = QemuGuest.bootReady(host, TIMEOUT);
        Agent agent;
        synchronized (host.lock) {
            agent = host.require(name).vm.agent();
        }
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        double[] run = new double[ROUNDS];
        double[] exec = new double[ROUNDS];
        StringBuilder csv = new StringBuilder("round,run ms,exec ms\n");
        for (int i = 0; i < ROUNDS; i++) {
            run[i] = timed(agent, COMMAND);
            exec[i] = timed(agent, COMMAND + "\n");
            csv.append(String.format(Locale.ROOT, "%d,%.3f,%.3f%n", i, run[i], exec[i]));
        }
        Files.writeString(Path.of("target", "agent-command.csv"), csv);
        System.out.printf(Locale.ROOT, "agent command round trip, uname -r, medians of %d (load %.2f -> %.2f): run %.1f ms, "
                + "exec %.1f ms%n", ROUNDS, load, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                median(run), median(exec));
    }

    private static double timed(Agent agent, String command) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Agent.Answer a = agent.call(command, TIMEOUT);
        double ms = (System.nanoTime() - t0) / 1e6;
        assertEquals(0, a.exitStatus(), a.output());
        assertTrue(a.output().contains("cloud-amd64"), a.output());
        return ms;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
