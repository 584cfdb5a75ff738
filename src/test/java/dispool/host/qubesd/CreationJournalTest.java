package dispool.host.qubesd;

import dispool.host.Backoff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.emulator.EmulatorServices;
import dispool.emulator.QubesdEmulator;
import dispool.host.Clock;
import dispool.host.PowerState;
import dispool.host.QubeInfo;
import dispool.host.sim.SimHost;
import dispool.host.sim.SimOp;
import dispool.pool.DispoolEngine;
import dispool.pool.EngineSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Through the Admin API a disposable and its marks are separate calls, and qubesd finishes a
 * creation whose caller died. dispool names each disposable it creates and records the name
 * before the call: after a crash the recorded, unmarked qube is removed, and a disposable someone
 * else made meanwhile from the same template (Halted, unmarked, as qvm-run --dispvm leaves it
 * between its create and its start) is left alone. The engine's restart recovery does it, once,
 * before its first creation.
 */
class CreationJournalTest {

    private static QubesdHost client(QubesdEmulator emulator, Path journal) {
        SocketTransport t = new SocketTransport(emulator.socket(), Duration.ofSeconds(30));
        return new QubesdHost(t, new EmulatorServices(t), MemorySource.NONE,
                Backoff.doubling(Duration.ofMillis(20), Duration.ofMillis(200)), journal);
    }

    private static void startAndClose(QubesdHost host) {
        try (DispoolEngine engine = new DispoolEngine(host, EngineSettings.defaults())) {
            engine.start();
        }
    }

    private static boolean exists(SimHost sim, String name) {
        return sim.listQubes().stream().anyMatch(q -> q.name().equals(name));
    }

    /**
     * A removal the host refuses at start-up leaves the name for the next start, and the start
     * goes on: the recovery takes no lock and nothing else waits on it.
     */
    @Test
    void aRemovalRefusedAtStartIsTriedAgainAtTheNextStart() throws IOException {
        Path dir = Files.createTempDirectory("creations");
        Path journal = dir.resolve("creations");
        SimHost sim = SimHost.builder().clock(Clock.scaled(1000)).seed(4).dvmTemplate("default-dvm", 400).build();
        try (QubesdEmulator emulator = QubesdEmulator.serve(sim, dir.resolve("qubesd.sock"))) {
            CreationJournal.at(journal).add("disp4343434");
            sim.createDisposable("default-dvm", "disp4343434", Map.of());
            sim.faults().fail(SimOp.KILL, 1.0).fail(SimOp.REMOVE, 1.0);
            startAndClose(client(emulator, journal));
            assertTrue(exists(sim, "disp4343434"), "the host refused its removal");
            assertEquals(List.of("disp4343434"), CreationJournal.at(journal).pending(), "kept for the next start");

            sim.faults().clear();
            startAndClose(client(emulator, journal));
            assertFalse(exists(sim, "disp4343434"), "removed at the next start");
            assertEquals(List.of(), CreationJournal.at(journal).pending());
        }
    }

    @Test
    void aCreationCutShortByACrashIsRemovedAtTheNextStartAndNothingElseIs() throws IOException {
        Path dir = Files.createTempDirectory("creations");
        Path journal = dir.resolve("creations");
        SimHost sim = SimHost.builder().clock(Clock.scaled(1000)).seed(3).dvmTemplate("default-dvm", 400).build();
        try (QubesdEmulator emulator = QubesdEmulator.serve(sim, dir.resolve("qubesd.sock"))) {
            QubesdHost before = client(emulator, journal);
            String marked = before.createDisposable("default-dvm", Map.of("x-dispool-preload-dispvm-in-progress", "1"));
            assertTrue(sim.feature(marked, "x-dispool-preload-dispvm-in-progress").isPresent());
            assertEquals("True", sim.property(marked, "auto_cleanup"));
            assertEquals(List.of(), CreationJournal.at(journal).pending(), "a finished creation leaves no name");

            // the crash: the name recorded, qubesd created the qube, its marks never came
            CreationJournal.at(journal).add("disp4242424");
            sim.createDisposable("default-dvm", "disp4242424", Map.of());
            String theirs = sim.createDisposable("default-dvm", Map.of()); // another client's, Halted, unmarked

            QubesdHost after = client(emulator, journal);
            assertEquals(List.of("disp4242424"), after.unfinishedCreations(), "read back at the next start");
            startAndClose(after); // its restart recovery removes what the journal names
            assertFalse(exists(sim, "disp4242424"), "dispool's own, removed");
            QubeInfo other = sim.qube(theirs);
            assertEquals(PowerState.Halted, other.state(), "someone else's disposable is left alone");
            assertEquals(List.of(), CreationJournal.at(journal).pending());
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(journal)));
        }
    }
}
