package dispool.host.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.bench.QemuTrafficScenarios;
import dispool.bench.Sample;
import dispool.bench.Traffic;
import dispool.bench.TrafficResult;
import dispool.bench.TrafficRunner;
import dispool.bench.TrafficTable;
import dispool.cli.DispoolCommand;
import dispool.pool.RefillPolicies;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A traffic scenario on real QEMU guests under both policies, as {@code dispool bench traffic
 * --host qemu} runs it: a pool of one and three requests back to back, one in flight (the first
 * finds the preload, the others wait for a refill or start cold). Kept tiny for a 2-core CI:
 * counts and memory are asserted, times only printed.
 */
class QemuTrafficTest {

    @TempDir
    Path tmp;

    @Test
    void aBurstOfThreeRunsUnderBothPoliciesAndEveryRequestIsServed() {
        Path guest = QemuGuest.require();
        QemuTrafficScenarios.Case c = new QemuTrafficScenarios.Case(
                Traffic.qubesBursts("default-dvm", 1, 1, 3, 1, Duration.ofSeconds(60)), 4 * QemuTrafficScenarios.GUEST_MIB, 0);
        TrafficRunner runner = new TrafficRunner(Duration.ofSeconds(10));
        List<TrafficResult> results = new ArrayList<>();
        for (String policy : List.of(RefillPolicies.QUBES, RefillPolicies.ADAPTIVE)) {
            results.add(runner.run(c.traffic(), policy, () -> c.target(guest, policy)).result());
        }
        for (TrafficResult r : results) {
            assertEquals(3, r.samples().size(), r.policy());
            assertEquals(3, r.ready() + r.waited() + r.cold(), r.policy());
            Set<String> served = r.samples().stream().map(Sample::name).collect(Collectors.toSet());
            assertEquals(3, served.size(), r.policy() + ": three disposables handed out, not " + r.samples());
            assertTrue(served.stream().allMatch(n -> n.startsWith("disp")), served.toString());
            assertTrue(r.samples().stream().allMatch(s -> s.usableAfterMs() > 0), r.samples().toString());
            assertTrue(r.mibSeconds() > 0, r.policy() + " held no memory");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TrafficTable.print("QEMU (test)", results, new PrintStream(out, true, StandardCharsets.UTF_8));
        System.out.println(out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void withoutABuiltGuestTheCommandSaysHowToBuildOne() {
        StringWriter err = new StringWriter();
        int code = new CommandLine(new DispoolCommand()).setErr(new PrintWriter(err, true))
                .execute("bench", "traffic", "--host", "qemu", "--guest-dir", tmp.toString(), "-o", tmp.toString());
        assertEquals(2, code, err.toString());
        assertTrue(err.toString().contains("--guest-dir '" + tmp + "' refused: no built guest in " + tmp)
                && err.toString().contains("run deploy/qemu/build-guest.sh " + tmp), err.toString());
    }
}
