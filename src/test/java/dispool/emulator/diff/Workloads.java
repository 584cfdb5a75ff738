package dispool.emulator.diff;

import static dispool.emulator.diff.Workload.named;

import dispool.host.QubesException;
import dispool.host.sim.SimOp;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.awaitility.Awaitility;

/** The differential's workloads: issue #8's, then issue #22's knobs, failures and memory that moves. */
final class Workloads {

    /** What the threshold-pressure workload keeps free past the subject's preloads, in MiB (dom0's feature). */
    static final long THRESHOLD_MIB = 2_000;

    private Workloads() {
    }

    static List<Workload> all() {
        return List.of(
                named("sparse stream (max 1, every 30 s)", 1, null).requests(0, 30, 4).exact().build(),
                named("steady stream (max 2, delay 3, every 2 s)", 2, "3").requests(0, 2, 40)
                        .racy("a request every 2 s against refills of 7-11 host s: whether it finds one ready or one still "
                                + "starting depends on when each refill lands (the reference alone serves 37-40 of 40 on one seed)")
                        .build(),
                named("bursts of 4 (max 4)", 4, null).burst(0, 4).burst(30, 4).exact().build(),
                named("burst of 12 (max 4)", 4, null).burst(0, 12).requests(40, 5, 4)
                        .racy("the four preloads serve four of the twelve requests at one instant, whichever they are, but a "
                                + "request of the burst made 3 host s after the first (the refill's delay: 0.12 s of scheduling "
                                + "at scale 25, 0.3 s at 10) finds the refill begun and is served too")
                        .build(),
                named("knob churn", 2, null).requests(0, 3, 12).feature(4, "preload-dispvm-max", "5")
                        .feature(10, "preload-dispvm-max", "1").feature(16, "preload-dispvm-max", null)
                        .feature(22, "preload-dispvm-max", "3").feature(28, "preload-dispvm-delay", "0")
                        .racy("a request every 3 s, each knob change 1 s from one: a raised max's refills race the next request")
                        .build(),
                named("negative delay (max 3, delay -2)", 3, "-2").requests(0, 2, 15)
                        .racy("refills start only once the pool is empty, and the request 2 s later races the first of them")
                        .build(),
                named("zero delay (max 2, delay 0)", 2, "0").requests(0, 2, 20)
                        .racy("a request every 2 s against refills of 7-11 host s, as the steady stream").build(),
                named("template property change", 2, null).requests(0, 4, 4)
                        .outdating(9, "qvm-prefs DVM vcpus 4", s -> s.setProperty(s.dvm(), "vcpus", "4"))
                        .requests(10, 4, 10)
                        .racy("the change at 9 s outdates both preloads; the request 1 s later and the next races their refills")
                        .build(),
                named("TemplateVM update", 2, null).requests(0, 4, 3)
                        .outdating(9, "update the TemplateVM", s -> s.host().updateTemplate(s.host().property(s.dvm(), "template")))
                        .requests(10, 4, 8)
                        .racy("the update at 9 s outdates both preloads; the request 1 s later races their refills").build(),
                named("template change", 2, null).requests(0, 4, 3)
                        .outdating(22, "qvm-prefs DVM template " + DvmProfile.SPARE_TEMPLATE_VM, whenClosed(
                                s -> s.setProperty(s.dvm(), "template", DvmProfile.SPARE_TEMPLATE_VM)))
                        .requests(28, 4, 6)
                        .racy("the refills the set handler starts at 22 s race the request at 28 s on the slower templates "
                                + "(whonix-dvm boots 1.6 times slower)")
                        .build(),
                named("template_for_dispvms off and on", 2, null).requests(0, 4, 3)
                        .at(22, "template_for_dispvms False", whenClosed(s -> s.setProperty(s.dvm(), "template_for_dispvms", "False")))
                        .at(28, "template_for_dispvms True", s -> s.setProperty(s.dvm(), "template_for_dispvms", "True"))
                        .requests(36, 4, 6)
                        .racy("after True each request takes the preload begun 3 s after the request before the last, "
                                + "5 host s before it (0.2 s of scheduling at scale 25, 0.5 s at 10)").build(),
                named("default_dispvm set and reset (dom0 max 3)", null, null).dom0Feature("preload-dispvm-max", "3")
                        .at(0, "default_dispvm DVM", s -> s.setGlobalProperty("default_dispvm", s.dvm()))
                        .requests(15, 4, 4)
                        .at(40, "default_dispvm reset", s -> s.setGlobalProperty("default_dispvm", ""))
                        .requests(50, 4, 3)
                        .racy("the three preloads serve the requests at 15, 19 and 23 s and after the reset the max is 0, "
                                + "both fixed by the rules; the fourth request (27 s) takes the refill the first one's use began "
                                + "at 18 s, 9 host s before it (0.36 s of scheduling at scale 25, 0.9 s at 10), and under load "
                                + "16-28 a side has missed it")
                        .build(),
                named("global max (dom0 max 4 over local 2)", 2, null).asDefaultDispvm().dom0Feature("preload-dispvm-max", "4")
                        .bootFill(4).requests(0, 4, 4).qubeFeature(18, "dom0", "preload-dispvm-max", "1")
                        .requests(24, 4, 5).qubeFeature(46, "dom0", "preload-dispvm-max", null).requests(56, 4, 4)
                        .racy("the dom0 max raised again at 46 s refills while requests run every 4 s").build(),
                named("threshold pressure (memory moves)", 3, null).dom0Feature("preload-dispvm-threshold", Long.toString(THRESHOLD_MIB))
                        .at(2, "other qubes take memory: room for 1.5 more", Workloads::takeAllButOneAndAHalf)
                        .requests(4, 4, 6).at(30, "other qubes give it back", s -> s.host().memoryTakenByOthers(0))
                        .requests(36, 4, 6)
                        .racy("the memory given back at 30 s shows in qmemman's figure one balance later, and the refills "
                                + "it allows race the request at 36 s")
                        .build(),
                // a count, not a time window: which starts fail must not depend on when a refill lands (issue 22)
                named("start failures (the next 2 starts fail)", 2, null)
                        .at(2, "the next 2 starts fail", s -> s.host().faults().failNext(SimOp.START, 2)).requests(3, 2, 2)
                        .requests(16, 4, 6)
                        .racy("after the failures the request at 16 s goes cold on qubesd, and the refill it triggers races "
                                + "the requests at 20 s and 24 s (under load the reference alone serves 5 or 6 of 8)")
                        .build(),
                named("outside unpause (qvm-unpause a preload)", 2, null)
                        .at(4, "qvm-unpause a preload", s -> s.host().unpause(s.heldNames(s.dvm()).get(0)))
                        .requests(12, 4, 5)
                        .racy("each request takes the refill begun 3 s after the request 8 s before it, 5 host s before "
                                + "it (0.2 s of scheduling at scale 25, 0.5 s at 10)")
                        .build(),
                named("suspend and resume", 2, null).requests(0, 4, 3).at(10, "suspend", Side::suspend)
                        .at(20, "resume", Side::resume).requests(22, 4, 6)
                        .racy("the refills after the resume at 20 s race the requests from 22 s").build(),
                named("restart of dispool", 2, null).requests(0, 4, 4).at(14, "restart dispool", Side::restartDispool)
                        .requests(16, 4, 6).racy("whether a start is under way at the instant of the restart").build(),
                named("restart of qubesd", 2, null).requests(0, 4, 4).at(14, "restart qubesd", Side::restartQubesd)
                        .requests(16, 4, 6).racy("whether a start is under way at the instant of the restart").build());
    }

    /**
     * The change once the user's disposables of the subject are gone (closed, then removed by
     * auto-cleanup): qubesd R4.3 refuses {@code template} while one runs and
     * {@code template_for_dispvms=False} while one exists, so a user closes them first. The step's
     * time leaves room for that; this waits only when a slow start made a close late.
     */
    private static Consumer<Side> whenClosed(Consumer<Side> change) {
        return s -> {
            Awaitility.await("the user's disposables of " + s.dvm() + " are gone").atMost(30, TimeUnit.SECONDS)
                    .pollInterval(Duration.ofMillis(10)).until(() -> s.host().listQubes().stream()
                            .filter(q -> q.isDispVm() && s.dvm().equals(templateOf(s, q.name())))
                            .allMatch(q -> s.heldNames(s.dvm()).contains(q.name())));
            change.accept(s);
        };
    }

    /** A disposable's DVM template; empty once it is removed (between the listing and this read). */
    private static String templateOf(Side s, String disposable) {
        try {
            return s.host().property(disposable, "template");
        } catch (QubesException gone) {
            return "";
        }
    }

    /**
     * Other qubes take all the published memory but the threshold and one and a half of the
     * subject's memory: one more preload fits, a second does not.
     */
    private static void takeAllButOneAndAHalf(Side s) {
        long free = s.host().availableMemory().orElseThrow() >> 20;
        long memory = Long.parseLong(s.host().property(s.dvm(), "memory"));
        s.host().memoryTakenByOthers(free - THRESHOLD_MIB - memory * 3 / 2);
    }

    static Workload byName(String name) {
        return all().stream().filter(w -> w.name().equals(name)).findFirst().orElseThrow(
                () -> new IllegalArgumentException("no workload named '" + name + "'"));
    }
}
