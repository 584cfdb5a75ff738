package dispool.emulator.diff;

import dispool.emulator.reference.QubesdPreloading;
import dispool.host.PowerState;
import dispool.host.sim.SimHost;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;

/** qubesd R4.3 preloading by itself: the reference model on the simulated host; dispool is not there. */
final class ReferenceSide implements Side {

    /** Reasons qubesd logs when a preload leaves the list because someone got it. */
    private static final Set<String> HAND_OUT_REASONS = Set.of("qube was requested", "qube was used without being requested");

    private final SimHost host;
    private final String dvm;
    private volatile QubesdPreloading qubesd;
    /** The qubesd the host booted with; any other was started by a restart. */
    private final QubesdPreloading first;
    private final List<QubesdPreloading> earlier = new ArrayList<>();
    /** Disposables handed out cold because of a qubesd restart (see {@link #createDisposable}). */
    private final Set<String> lostToRestart = ConcurrentHashMap.newKeySet();

    ReferenceSide(SimHost host, String dvm) {
        this.host = host;
        this.dvm = dvm;
        this.qubesd = new QubesdPreloading(host);
        this.first = qubesd;
    }

    @Override
    public String label() {
        return "reference";
    }

    @Override
    public String dvm() {
        return dvm;
    }

    @Override
    public SimHost host() {
        return host;
    }

    @Override
    public void boot() {
        qubesd.bootService();
    }

    /** {@code admin.vm.CreateDisposable}, then {@code admin.vm.Start} for a new (halted) one, as qvm-run does. */
    @Override
    public Served request(String template) {
        QubesdPreloading.Disposable d = createDisposable(template);
        if (host.qube(d.name()).state() == PowerState.Halted) {
            host.start(d.name());
        }
        return new Served(d.name(), d.preloaded(), lostToRestart.contains(d.name()));
    }

    /**
     * A call cut by a qubesd restart fails; the user runs qvm-run again, on the new qubesd. A cold
     * answer from a restarted qubesd that has begun no preload yet is a request lost to the restart
     * ({@link Served#lostToRestart}).
     */
    QubesdPreloading.Disposable createDisposable(String template) {
        QubesdPreloading current = current();
        boolean recovering = recovering(current);
        QubesdPreloading.Disposable d;
        try {
            d = current.createDisposable(template);
        } catch (RejectedExecutionException | CompletionException e) {
            if (current == current() && !(e.getCause() instanceof RejectedExecutionException)) {
                throw e;
            }
            QubesdPreloading next = current();
            recovering = recovering(next);
            d = next.createDisposable(template);
        }
        if (recovering && !d.preloaded()) {
            lostToRestart.add(d.name());
        }
        return d;
    }

    /**
     * {@code qubesd} was started by a restart and has begun no preload since: without the restart
     * the preloads its {@code domain-load} removed as interrupted, the preload a cut call was
     * waiting for and the refill timers it dropped would be there.
     */
    private boolean recovering(QubesdPreloading qubesd) {
        return qubesd != first && qubesd.preloadsBegun() == 0;
    }

    private synchronized QubesdPreloading current() {
        return qubesd;
    }

    /** Through qubesd's pre-set handlers (a direct host change would skip them, see docs/fidelity.md). */
    @Override
    public void setProperty(String qube, String name, String value) {
        current().setProperty(qube, name, value);
    }

    @Override
    public void setGlobalProperty(String name, String value) {
        current().setGlobalProperty(name, value);
    }

    /** qubesd's {@code preload-dispvm} list. */
    @Override
    public List<String> heldNames(String template) {
        String list = host.feature(template, "preload-dispvm").orElse("");
        return list.isEmpty() ? List.of() : Arrays.asList(list.split(" "));
    }

    /** Listed and paused: {@code preload-dispvm-completed}. */
    @Override
    public int ready(String template) {
        return (int) heldNames(template).stream().filter(q -> host.qube(q).state() == PowerState.Paused).count();
    }

    @Override
    public List<String> discards() {
        List<String> out = new ArrayList<>();
        List<QubesdPreloading> all = new ArrayList<>(earlier);
        all.add(qubesd);
        all.forEach(q -> q.removals().stream().filter(r -> !HAND_OUT_REASONS.contains(r.reason()))
                .forEach(r -> out.add(r.reason())));
        return out;
    }

    /** dispool is no part of native preloading: nothing happens. */
    @Override
    public void restartDispool() {
    }

    /** qubesd stops (its timers and requested marks are lost) and starts again ({@code domain-load}). */
    @Override
    public synchronized void restartQubesd() {
        qubesd.close();
        earlier.add(qubesd);
        qubesd = new QubesdPreloading(host);
    }


    /**
     * Before the host sleeps; {@link #resume} waits for it (both synchronized): systemd runs the
     * post-sleep hooks only after the pre-sleep ones returned, while the workload's timed steps
     * would otherwise let a late drain and the resume overlap on a loaded machine.
     */
    @Override
    public synchronized void suspend() {
        qubesd.suspendPre();
    }

    @Override
    public synchronized void resume() {
        qubesd.suspendPost();
    }

    @Override
    public void close() {
        qubesd.close();
    }
}
