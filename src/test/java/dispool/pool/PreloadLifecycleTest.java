package dispool.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.host.HostEvent;
import dispool.host.PowerState;
import dispool.host.sim.SimHost;
import dispool.host.sim.SimOp;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** One test per rule of {@link PreloadLifecycle}'s documentation, on the simulated host. */
class PreloadLifecycleTest extends EngineFixture {

    @Test
    void poolFillsToMaxWithPausedOperationalMarkedPreloads() {
        start(host().feature(WEB, "preload-dispvm-max", "2").build());
        awaitReady(WEB, 2);
        List<String> names = pool(WEB).preloads().stream().map(PoolView.PreloadView::name).toList();
        assertEquals(names, listFeature(WEB));
        for (String n : names) {
            assertEquals(PowerState.Paused, state(n));
            assertTrue(sim.isOperational(n), n + " paused before it was operational");
            assertEquals("1", sim.feature(n, "internal").orElse(null));
            assertEquals("1", sim.feature(n, "preload-dispvm-completed").orElse(null));
            assertEquals("", sim.feature(n, "preload-dispvm-in-progress").orElse(null));
        }
        assertEquals(0, pool(DEFAULT).preloads().size(), "a template without a max preloads nothing");
    }

    @Test
    void handOutUnpausesTheOldestPreloadUnmarksItAndRefillsAfterTheDelay() {
        start(host().feature(WEB, "preload-dispvm-max", "2").build());
        awaitReady(WEB, 2);
        String oldest = pool(WEB).preloads().get(0).name();
        HandOut h = handOut(WEB);
        assertEquals(oldest, h.name());
        assertTrue(h.preloaded());
        assertEquals(List.of("claim", "unpause"), List.copyOf(h.timings().keySet()));
        assertEquals(PowerState.Running, state(h.name()));
        await().until(() -> sim.feature(h.name(), "internal").isEmpty() && !listFeature(WEB).contains(h.name()));
        awaitReady(WEB, 2);
        assertFalse(pool(WEB).preloads().stream().anyMatch(p -> p.name().equals(h.name())));
    }

    @Test
    void aReadyHandOutIsUsableOnceUnpausedWhateverThePolicyDoesAfter() {
        start(host().feature(WEB, "preload-dispvm-max", "2").feature(WEB, RefillPolicies.FEATURE, RefillPolicies.ADAPTIVE).build());
        awaitReady(WEB, 2);
        HandOut h = handOut(WEB);
        assertTrue(h.preloaded());
        double stages = h.timings().get("claim") + h.timings().get("unpause");
        // at scale 200 the adaptive policy's bookkeeping after the unpause is host milliseconds
        assertEquals(stages, h.usableAfterMs(), 0.15, "usable after the claim and the unpause, nothing later: " + h.timings());
    }

    @Test
    void emptyPoolFallsBackToCold() {
        start(host().build());
        HandOut cold = handOut(WEB);
        assertFalse(cold.preloaded());
        assertEquals(List.of("create", "start", "operational"), List.copyOf(cold.timings().keySet()));
        assertTrue(cold.usableAfterMs() > 5000, "a cold start takes seconds of host time: " + cold.usableAfterMs());
        assertEquals(PowerState.Running, state(cold.name()));
        assertTrue(sim.isOperational(cold.name()));
        assertTrue(sim.feature(cold.name(), "preload-dispvm-in-progress").isEmpty());
        assertTrue(pool(WEB).preloads().isEmpty(), "a cold disposable is not a preload");
    }

    @Test
    void requestDuringStartupSkipsThePause() throws Exception {
        SimHost host = host().build();
        // The requester waits 1.2 × qrexec_timeout for it: an hour of host time (22 s of wall time) keeps
        // that wait a safety net under load, not the window the hand-out must fit in. Set before the
        // engine starts: a change it saw would outdate the preload it is starting.
        host.setProperty(WEB, "qrexec_timeout", "3600");
        start(host);
        List<PoolEvent> started = new CopyOnWriteArrayList<>();
        List<String> marksAtHandOut = new CopyOnWriteArrayList<>();
        engine.events().addListener(e -> {
            if (e.type() == PoolEvent.Type.PRELOAD_STARTED) {
                started.add(e);
            } else if (e.type() == PoolEvent.Type.HANDED_OUT) {
                sim.feature(e.qube(), "preload-dispvm-in-progress").ifPresent(v -> marksAtHandOut.add("in-progress=" + v));
                if (listFeature(WEB).contains(e.qube())) {
                    marksAtHandOut.add("listed");
                }
            }
        });
        // The start call holds until the request has claimed the starting preload: an event, not a race
        // against the boot (a hung readiness call would time out after qrexec_timeout, 300 ms of wall time
        // at this scale, so a starved test thread saw the preload fail and the request go cold).
        sim.faults().hang(SimOp.START);
        engine.setMax(WEB, "1");
        await().until(() -> !started.isEmpty());
        CompletableFuture<HandOut> request = engine.handOut(WEB).subscribeAsCompletionStage().toCompletableFuture();
        // Claimed: one preload no longer free, all still starting. Not "one preload, none free": the
        // hand-out's refill may start another within its delay (15 ms of wall time), hung at its start too.
        await().until(() -> {
            PoolView v = pool(WEB);
            return v.ready() == 0 && v.preloads().size() - v.starting() == 1;
        });
        sim.faults().release(SimOp.START);
        HandOut h = request.get(20, TimeUnit.SECONDS);
        assertTrue(h.preloaded(), "the claimed preload, not a cold one: " + h);
        assertEquals(started.get(0).qube(), h.name());
        assertTrue(h.timings().containsKey("wait-operational"), h.timings().toString());
        assertFalse(h.timings().containsKey("unpause"), "a preload claimed during startup is never paused");
        assertEquals(PowerState.Running, state(h.name()));
        assertTrue(sim.isOperational(h.name()));
        // Cleared before the caller got it: a restart then must not take it for an interrupted preload.
        assertEquals(List.of(), marksAtHandOut, "marks left when it was handed out");
    }

    @Test
    void aRequesterWaitsAtMostOnePointTwoQrexecTimeoutsThenGoesColdAndTheSlowPreloadIsRemoved() {
        start(host().build());
        sim.setProperty(WEB, "qrexec_timeout", "20");
        sim.faults().hang(SimOp.PAUSE);
        engine.setMax(WEB, "1");
        await().until(() -> pool(WEB).preloads().stream().anyMatch(p -> p.state() == PreloadState.PAUSING));
        String stuck = pool(WEB).preloads().get(0).name();
        HandOut h = handOut(WEB);
        assertFalse(h.preloaded(), "the stuck preload must not be handed out");
        assertTrue(h.usableAfterMs() >= 24_000, "waited 1.2 x 20 s before going cold: " + h.usableAfterMs());
        sim.faults().clear();
        await().until(() -> sim.listQubes().stream().noneMatch(q -> q.name().equals(stuck)));
        awaitReady(WEB, 1);
    }

    @Test
    void failedStartupRemovesTheQubeAndBacksOff() {
        start(host().build());
        List<String> failedStages = new CopyOnWriteArrayList<>();
        List<Long> failedRetries = new CopyOnWriteArrayList<>();
        engine.events().addListener(e -> {
            if (e.type() == PoolEvent.Type.PRELOAD_FAILED) {
                failedStages.add((String) e.data().get("stage"));
                failedRetries.add(((Number) e.data().get("retryInMs")).longValue());
            }
        });
        sim.faults().fail(SimOp.START, 1.0);
        engine.setMax(WEB, "2");
        // The events, not the pool's count: a failure is counted before its event is published.
        await().until(() -> failedStages.size() >= 3);
        PoolView v = pool(WEB);
        assertTrue(v.lastFailure().contains(WEB) && v.lastFailure().contains(PreloadState.STARTING.name()),
                "names the template and the stage: " + v.lastFailure());
        assertEquals(List.of(PreloadState.STARTING.name()), failedStages.stream().distinct().toList(),
                "every failure was at the start");
        assertTrue(failedRetries.stream().allMatch(ms -> ms > 0), "each failure says when the next attempt is: "
                + failedRetries);
        long creates = sim.calls(SimOp.CREATE);
        assertTrue(creates <= 2L * v.failures() + 2, "no tight loop: " + creates + " creates for " + v.failures() + " failures");
        sim.faults().clear();
        engine.setMax(WEB, "2");
        awaitReady(WEB, 2);
        assertEquals(2, dispvmsOf(WEB).size(), "every failed preload was removed");
        assertEquals(0, pool(WEB).failures());
    }

    @Test
    void outdatedPreloadsAreDiscardedAndRefilled() {
        start(host().feature(WEB, "preload-dispvm-max", "2").build());
        awaitReady(WEB, 2);
        Set<String> old = Set.copyOf(listFeature(WEB));
        sim.setProperty(WEB, "netvm", "sys-whonix");
        await().until(() -> pool(WEB).ready() == 2 && listFeature(WEB).stream().noneMatch(old::contains));
        HandOut h = handOut(WEB);
        assertFalse(old.contains(h.name()), "handed out an outdated preload");
        await().until(() -> old.stream().allMatch(n -> sim.listQubes().stream().noneMatch(q -> q.name().equals(n))));
    }

    @Test
    void ignoredPropertyChangesKeepThePreloads() {
        start(host().feature(WEB, "preload-dispvm-max", "1").build());
        awaitReady(WEB, 1);
        String name = pool(WEB).preloads().get(0).name();
        sim.setProperty(WEB, "backup_timestamp", "1700000000");
        HandOut h = handOut(WEB);
        assertEquals(name, h.name());
    }

    @Test
    void resizedPrivateVolumeOutdatesAtTheNextReconcile() {
        start(host().feature(WEB, "preload-dispvm-max", "1").build());
        awaitReady(WEB, 1);
        String old = pool(WEB).preloads().get(0).name();
        sim.resizeVolume(WEB, "private", 4L << 30);
        engine.setMax(WEB, "1");
        await().until(() -> pool(WEB).ready() == 1 && !pool(WEB).preloads().get(0).name().equals(old));
    }

    @Test
    void maxRaisedLoweredAndDeleted() {
        start(host().feature(WEB, "preload-dispvm-max", "1").build());
        awaitReady(WEB, 1);
        String first = pool(WEB).preloads().get(0).name();
        engine.setMax(WEB, "3");
        awaitReady(WEB, 3);
        engine.setMax(WEB, "1");
        awaitReady(WEB, 1);
        assertEquals(first, pool(WEB).preloads().get(0).name(), "the excess is removed newest first");
        engine.unsetMax(WEB);
        awaitReady(WEB, 0);
        await().until(() -> dispvmsOf(WEB).isEmpty() && listFeature(WEB).isEmpty());
    }

    @Test
    void globalMaxGovernsTheDefaultDispvmWhenDom0HasTheFeature() {
        start(host().feature(DEFAULT, "preload-dispvm-max", "3").feature("dom0", "preload-dispvm-max", "1").build());
        awaitReady(DEFAULT, 1);
        assertEquals(PoolSettings.MaxSource.GLOBAL, pool(DEFAULT).maxSource());
        sim.removeFeature("dom0", "preload-dispvm-max");
        awaitReady(DEFAULT, 3);
        assertEquals(PoolSettings.MaxSource.LOCAL, pool(DEFAULT).maxSource());
        sim.setFeature("dom0", "preload-dispvm-max", "");
        awaitReady(DEFAULT, 0);
        sim.setGlobalProperty("default_dispvm", WEB);
        awaitReady(DEFAULT, 3);
        assertEquals(0, pool(WEB).max(), "dom0's empty max now governs web-dvm");
    }

    @Test
    void negativeDelayRefillsOnlyWhenThePoolIsEmpty() {
        start(host().feature(WEB, "preload-dispvm-max", "2").feature(WEB, "preload-dispvm-delay", "-1").build());
        awaitReady(WEB, 2);
        List<PoolEvent> after = new CopyOnWriteArrayList<>();
        engine.events().addListener(e -> {
            if (e.type() == PoolEvent.Type.PRELOAD_STARTED || e.type() == PoolEvent.Type.HANDED_OUT) {
                after.add(e);
            }
        });
        handOut(WEB);
        handOut(WEB);
        awaitReady(WEB, 2);
        // The pool's runs are serial: the one after the first hand-out ran before (or merged into)
        // the one that refilled the empty pool, so any refill it made is among these events.
        assertEquals(List.of(PoolEvent.Type.HANDED_OUT, PoolEvent.Type.HANDED_OUT, PoolEvent.Type.PRELOAD_STARTED,
                PoolEvent.Type.PRELOAD_STARTED), after.stream().map(PoolEvent::type).toList(),
                "one preload left after the first hand-out: no refill until the pool was empty");
    }

    @Test
    void aLateUnpauseEventOfTheStartIsNotAUse() {
        start(host().feature(WEB, "preload-dispvm-max", "1").build());
        awaitReady(WEB, 1);
        String name = pool(WEB).preloads().get(0).name();
        sim.replayEvent(HostEvent.of(name, "domain-unpaused"));
        engine.setMax(WEB, "2");
        awaitReady(WEB, 2);
        assertEquals(name, pool(WEB).preloads().get(0).name(), "still the pool's: it is paused, nobody used it");
        assertEquals(PowerState.Paused, state(name));
    }

    @Test
    void unpauseByUserCountsAsUsed() {
        start(host().feature(WEB, "preload-dispvm-max", "1").feature(WEB, "preload-dispvm-delay", "0").build());
        awaitReady(WEB, 1);
        String name = pool(WEB).preloads().get(0).name();
        sim.unpause(name);
        await().until(() -> pool(WEB).ready() == 1 && !pool(WEB).preloads().get(0).name().equals(name));
        assertTrue(sim.feature(name, "internal").isEmpty());
        assertEquals(PowerState.Running, state(name), "a used preload is the user's: not killed");
    }

    @Test
    void memoryAdmitsOnlyWhatFitsAboveTheThresholdAndSaysWhy() {
        // 16000 total − 4000 dom0 − 50 reserve = 11950 available; threshold 11500 leaves room for one 400 MiB qube.
        start(host().feature("dom0", "preload-dispvm-threshold", "11500").build());
        List<PoolEvent.Type> seen = new CopyOnWriteArrayList<>();
        engine.events().addListener(e -> {
            if (WEB.equals(e.template()) && (e.type() == PoolEvent.Type.PRELOAD_READY || e.type() == PoolEvent.Type.MEMORY_WAIT)) {
                seen.add(e.type());
            }
        });
        engine.setMax(WEB, "3");
        awaitReady(WEB, 1);
        // the barrier: a reconcile after the first preload was ready (its memory no longer reserved) waited for memory too
        await().until(() -> seen.contains(PoolEvent.Type.PRELOAD_READY)
                && seen.lastIndexOf(PoolEvent.Type.MEMORY_WAIT) > seen.indexOf(PoolEvent.Type.PRELOAD_READY));
        assertEquals(1, pool(WEB).preloads().size());
        MemoryGate.Admission a = pool(WEB).admission();
        assertEquals(0, a.allowed());
        assertEquals(2, a.want(), "the two still wanted wait for memory");
        assertEquals(11500, a.thresholdMiB());
        assertEquals(400, a.perQubeMiB());
        assertTrue(a.reason().contains("11500"), "what a user reads names the threshold: " + a.reason());
    }

    @Test
    void withoutAMemoryFigurePreloadingIsNotGated() {
        start(host().feature("dom0", "preload-dispvm-threshold", "99999").build());
        sim.availableMemoryFigure(false);
        engine.setMax(WEB, "2");
        awaitReady(WEB, 2);
    }

    @Test
    void suspendDrainsEveryPoolAndResumeRefills() {
        start(host().feature(WEB, "preload-dispvm-max", "2").feature(DEFAULT, "preload-dispvm-max", "1").build());
        awaitReady(WEB, 2);
        awaitReady(DEFAULT, 1);
        engine.suspend().await().atMost(java.time.Duration.ofSeconds(20));
        assertTrue(dispvmsOf(WEB).isEmpty() && dispvmsOf(DEFAULT).isEmpty());
        engine.resume();
        awaitReady(WEB, 2);
        awaitReady(DEFAULT, 1);
    }

    @Test
    void aChangeMadeWhileTheEventStreamWasDownIsPickedUpAtReconnect() {
        sim = host().build();
        // No periodic resync to rescue it: only the reconnect's connection-established can.
        engine = new DispoolEngine(sim, EngineSettings.defaults().withResyncInterval(java.time.Duration.ofHours(1)));
        engine.start();
        sim.dropEventStreams(() -> sim.setFeature(WEB, "preload-dispvm-max", "1"));
        awaitReady(WEB, 1);
    }

    @Test
    void removalOfAHandedOutDisposable() {
        start(host().build());
        HandOut h = handOut(WEB);
        engine.removeDisposable(h.name()).await().atMost(java.time.Duration.ofSeconds(20));
        assertTrue(sim.listQubes().stream().noneMatch(q -> q.name().equals(h.name())));
        assertNotEquals(0, sim.calls(SimOp.KILL));
    }
}
