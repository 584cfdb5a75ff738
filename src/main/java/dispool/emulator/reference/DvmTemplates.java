package dispool.emulator.reference;

import dispool.host.QubeInfo;
import dispool.host.QubesException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

/**
 * The preload methods of qubesd's {@code DVMTemplateMixin} (qubes/vm/mix/dvmtemplate.py,
 * release4.3), for every DVM template by name. The state lives where qubesd keeps it, in the
 * template's features ({@code preload-dispvm}); all methods run on the loop.
 */
final class DvmTemplates {

    private static final System.Logger LOG = System.getLogger(DvmTemplates.class.getName());

    private final QubesdPreloading app;
    /** Preloads being created, per template, oldest first: listed in qubesd, see {@link Creation}. */
    private final Map<String, Deque<Creation>> creating = new HashMap<>();

    DvmTemplates(QubesdPreloading app) {
        this.app = app;
    }

    // ------------------------------------------------------------------ features

    /** {@code get_feat_preload}. */
    List<String> getFeatPreload(String appvm) {
        String value = app.host.feature(appvm, "preload-dispvm").orElse("");
        return value.isEmpty() ? new ArrayList<>() : new ArrayList<>(Arrays.asList(value.split(" ")));
    }

    private void setFeatPreload(String appvm, List<String> names) {
        app.host.setFeature(appvm, "preload-dispvm", String.join(" ", names));
    }

    /** {@code get_feat_preload_delay}: the template's feature, else dom0's, else 3 s. */
    double getFeatPreloadDelay(String appvm) {
        String value = app.host.feature(appvm, "preload-dispvm-delay")
                .or(() -> app.host.feature("dom0", "preload-dispvm-delay")).orElse("3");
        return value.isEmpty() ? 0 : Double.parseDouble(value);
    }

    /** {@code get_feat_preload_threshold}: dom0's feature, MiB, as bytes. */
    long getFeatPreloadThreshold() {
        String value = app.host.feature("dom0", "preload-dispvm-threshold").orElse("");
        return (value.isEmpty() ? 0 : Long.parseLong(value)) << 20;
    }

    /** {@code get_feat_global_preload_max}: dom0's {@code preload-dispvm-max}, or null when unset. */
    Integer getFeatGlobalPreloadMax() {
        return app.host.feature("dom0", "preload-dispvm-max").map(v -> v.isEmpty() ? 0 : Integer.parseInt(v)).orElse(null);
    }

    /** {@code get_feat_preload_max}: for the default_dispvm the global feature wins when set. */
    int getFeatPreloadMax(String appvm, boolean forceLocal) {
        Integer value = null;
        if (!forceLocal && appvm.equals(app.defaultDispvm())) {
            value = getFeatGlobalPreloadMax();
        }
        if (value == null) {
            String local = app.host.feature(appvm, "preload-dispvm-max").orElse("");
            value = local.isEmpty() ? 0 : Integer.parseInt(local);
        }
        return value;
    }

    /** {@code is_global_preload_set}. */
    boolean isGlobalPreloadSet(String appvm) {
        return appvm.equals(app.defaultDispvm()) && app.host.feature("dom0", "preload-dispvm-max").isPresent();
    }

    /** {@code is_global_preload_distinct}. */
    boolean isGlobalPreloadDistinct(String appvm) {
        Integer global = getFeatGlobalPreloadMax();
        return (global == null ? 0 : global) != getFeatPreloadMax(appvm, true);
    }

    /** {@code can_preload}: the list (with preloads being created) is shorter than the max. */
    boolean canPreload(String appvm) {
        return listed(appvm) < getFeatPreloadMax(appvm, false);
    }

    private int listed(String appvm) {
        return getFeatPreload(appvm).size() + (int) creatingOf(appvm).stream().filter(c -> !c.requested).count();
    }

    /**
     * {@code supports_preload}: the services of {@link Release#preloadServices} that neither the
     * qube nor its template chain lists as {@code supported-rpc.SERVICE}; empty when it can preload.
     */
    List<String> missingPreloadServices(String appvm) {
        return app.release.preloadServices().stream()
                .filter(s -> app.host.featureWithTemplate(appvm, "supported-rpc." + s).orElse("").isEmpty()).toList();
    }

    /** {@code dispvms}: every disposable whose template is {@code appvm}. */
    List<String> dispvms(String appvm) {
        return app.host.listQubes().stream().filter(QubeInfo::isDispVm).map(QubeInfo::name)
                .filter(n -> appvm.equals(app.templateOf(n))).toList();
    }

    // ------------------------------------------------------------------ the list

    /** {@code remove_preload_from_list}. */
    void removePreloadFromList(String appvm, List<String> disposables, String reason) {
        List<String> old = getFeatPreload(appvm);
        List<String> kept = old.stream().filter(q -> !disposables.contains(q)).toList();
        if (kept.size() != old.size()) {
            old.stream().filter(disposables::contains).forEach(q -> app.record(appvm, q, reason));
            setFeatPreload(appvm, kept);
        }
    }

    /** {@code remove_preload_excess}: the list cut to {@code maxPreload} (the max when null), the rest cleaned up. */
    void removePreloadExcess(String appvm, Integer maxPreload, String reason) {
        int max = maxPreload == null ? getFeatPreloadMax(appvm, false) : maxPreload;
        List<String> old = getFeatPreload(appvm);
        if (old.size() <= max) {
            return;
        }
        List<String> excess = old.subList(max, old.size());
        excess.forEach(q -> app.record(appvm, q, reason));
        setFeatPreload(appvm, old.subList(0, max));
        for (String unwanted : List.copyOf(excess)) {
            if (app.exists(unwanted)) {
                app.loop.ensureFuture(() -> app.dispvm(unwanted).cleanup(false));
            }
        }
    }

    // ------------------------------------------------------------------ preloading

    /**
     * {@code on_domain_preload_dispvm_used}, the handler of {@code domain-preload-dispvm-used} and
     * {@code -start}: sleep |delay| (each call its own timer, so timers stack and the first to wake
     * fills the whole gap), drop excess, then preload as many as the gap and the free memory allow.
     */
    CompletableFuture<Void> onDomainPreloadDispvmUsed(String appvm, String event, String dispvm, String reason, double delay) {
        LOG.log(System.Logger.Level.DEBUG, "{0}: received preload event ''{1}''{2}{3}{4}", appvm, event,
                dispvm == null ? "" : " for dispvm '" + dispvm + "'", reason == null ? "" : " because " + reason,
                delay == 0 ? "" : " with a delay of " + delay + " second(s)");
        List<String> missing = missingPreloadServices(appvm);
        if (!missing.isEmpty()) {
            String rpc = app.release == Release.R43 ? "the RPC '" : "the RPC(s) '";
            return CompletableFuture.failedFuture(new QubesException(QubesException.VALUE_ERROR, "Qube does not support "
                    + rpc + String.join(", ", missing) + "' but tried to preload, check if template is outdated"));
        }
        CompletableFuture<Void> slept = delay == 0 ? CompletableFuture.completedFuture(null)
                : app.loop.sleep(Duration.ofNanos((long) (Math.abs(delay) * 1e9)));
        return slept.thenCompose(v -> fillGap(appvm));
    }

    private CompletableFuture<Void> fillGap(String appvm) {
        if (!canPreload(appvm)) {
            removePreloadExcess(appvm, null, "there may be absent qubes");
            if (!canPreload(appvm)) {
                return CompletableFuture.completedFuture(null);
            }
        }
        int want = getFeatPreloadMax(appvm, false) - listed(appvm);
        if (want <= 0) {
            return CompletableFuture.completedFuture(null);
        }
        int can = want;
        OptionalLong avail = app.host.availableMemory();
        if (avail.isPresent()) {
            long available = Math.max(0, avail.getAsLong() - getFeatPreloadThreshold());
            long memory = Long.parseLong(app.host.property(appvm, "memory")) << 20;
            can = (int) Math.min(available / memory, want);
            if (can == 0) {
                return CompletableFuture.completedFuture(null);
            }
        }
        return CompletableFuture.allOf(IntStream.range(0, can).mapToObj(i -> app.preloadFromAppvm(appvm))
                .toArray(CompletableFuture[]::new));
    }

    /**
     * {@code fill_preload_gap}: a request that finds a gap schedules a refill after max(5, delay);
     * with a negative delay only once the list is empty.
     */
    void fillPreloadGap(String appvm) {
        if (!canPreload(appvm)) {
            return;
        }
        double delay = getFeatPreloadDelay(appvm);
        if (delay < 0 && !getFeatPreload(appvm).isEmpty()) {
            return;
        }
        app.loop.ensureFuture(() -> onDomainPreloadDispvmUsed(appvm, "start", null, "there is a gap", Math.max(5, delay)));
    }

    /**
     * {@code refresh_outdated_preload}: listed preloads that differ from the template are taken
     * off the list and cleaned up; a refill follows after {@code delay} seconds.
     */
    void refreshOutdatedPreload(String appvm, double delay) {
        List<String> outdated = dispvms(appvm).stream().filter(q -> app.dispvm(q).isPreload())
                .filter(q -> !app.dispvm(q).isPreloadOutdated().isEmpty()).toList();
        if (outdated.isEmpty()) {
            return;
        }
        removePreloadFromList(appvm, outdated, "of outdated volume(s) or property(ies)");
        outdated.forEach(q -> app.loop.ensureFuture(() -> app.dispvm(q).cleanup(false)));
        app.loop.ensureFuture(() -> onDomainPreloadDispvmUsed(appvm, "start", null, "of outdated volume(s)", delay));
    }

    /**
     * {@code request_preload}: schedules a gap refill, then takes the first listed preload that is
     * not outdated (outdated ones are dropped and cleaned up 2 s later), or one still being
     * created; null when none is left.
     */
    CompletableFuture<DispVm> requestPreload(String appvm) {
        fillPreloadGap(appvm);
        List<String> preloadDispvm = getFeatPreload(appvm);
        Creation unnamed = creatingOf(appvm).stream().filter(c -> !c.requested).findFirst().orElse(null);
        if (preloadDispvm.isEmpty() && unnamed == null) {
            return null;
        }
        for (String item : preloadDispvm) {
            DispVm qube = app.dispvm(item);
            Map<String, List<String>> outdated = qube.isPreloadOutdated();
            if (!outdated.isEmpty()) {
                String why = String.join("; ", outdated.entrySet().stream()
                        .map(e -> e.getKey() + ": " + String.join(", ", e.getValue())).toList());
                removePreloadFromList(appvm, List.of(item), "of outdated " + why);
                app.loop.ensureFuture(() -> app.loop.sleep(Duration.ofSeconds(2)).thenCompose(v -> qube.cleanup(false)));
                continue;
            }
            qube.markPreloadRequested();
            return CompletableFuture.completedFuture(qube);
        }
        if (unnamed != null) {
            unnamed.requested = true;
            return unnamed.made;
        }
        fillPreloadGap(appvm);
        return null;
    }

    Deque<Creation> creatingOf(String appvm) {
        return creating.computeIfAbsent(appvm, a -> new ArrayDeque<>());
    }
}
