package dispool.app;

import dispool.host.Clock;
import dispool.emulator.QubesdEmulator;
import dispool.host.sim.SimHost;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Starts the qubesd emulator on a temporary socket before the service boots, and points the
 * service at it ({@code dispool.host=qubesd}): default-dvm with preload-dispvm-max 2 and no refill
 * delay, web-dvm without a max, 50× faster than real time, qmemman's file kept beside the socket.
 * In native mode ({@code release=R43_NATIVE}) the emulated qubesd fills default-dvm itself.
 */
public class EmulatedQubesdResource implements QuarkusTestResourceLifecycleManager {

    static volatile QubesdEmulator emulator;
    private QubesdEmulator.Release release = QubesdEmulator.Release.R43;

    /** Arg {@code release}: which qubesd to emulate (default R43, without native preloading). */
    @Override
    public void init(Map<String, String> args) {
        release = QubesdEmulator.Release.valueOf(args.getOrDefault("release", "R43"));
    }

    @Override
    public Map<String, String> start() {
        try {
            Path dir = Files.createTempDirectory("qubesd-it");
            SimHost sim = SimHost.builder().clock(Clock.scaled(50)).seed(11)
                    .dvmTemplate("default-dvm", 400, "fedora-42-xfce", 1.0)
                    .dvmTemplate("web-dvm", 400, "debian-13-xfce", 0.9)
                    .defaultDispvm("default-dvm")
                    .feature("default-dvm", "preload-dispvm-max", "2")
                    .feature("default-dvm", "preload-dispvm-delay", "0")
                    .build();
            emulator = QubesdEmulator.serve(sim, dir.resolve("qubesd.sock"), release);
            emulator.writeQmemmanFile(dir.resolve("qmemman-avail-mem"));
            return Map.of("dispool.host", "qubesd", "dispool.qubes.services", "emulator",
                    "dispool.qubes.socket", emulator.socket().toString(),
                    "dispool.qubes.qmemman-file", dir.resolve("qmemman-avail-mem").toString(),
                    "dispool.qubes.events-reconnect-initial", "1500ms",
                    "dispool.qubes.events-reconnect-max", "3s");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        try {
            emulator.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
