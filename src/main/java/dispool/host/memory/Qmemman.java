package dispool.host.memory;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * qmemman's view of a host's memory, apart from any host: which qubes hold how much, what each
 * prefers, and the available-memory figure qmemmand publishes for qubesd (and dispool) to read.
 * Read from qubes-core-admin {@code release4.3}:
 * <ul>
 * <li>The figure is {@code mem_info}'s {@code total_available_mem}: Xen's free memory, less
 *     {@code XEN_FREE_MEM_LEFT}, less what every reporting qube still needs to reach its preferred
 *     size ({@code pref_mem − mem_actual}; negative for a qube holding more). A qube whose guest has
 *     not yet reported its {@code meminfo} is left out, so it counts at the memory it started with;
 *     once it reports it counts at its preferred size ({@link QmemmanRules#cacheFactor} × used).</li>
 * <li>The figure is written at the end of {@code do_balance}, which a domain list change or a
 *     meminfo report triggers: readers see the state {@link QmemmanRules#publishDelay} ago.</li>
 * <li>A start gets memory by ballooning running qubes down to their preferred size
 *     ({@code do_balloon}); a paused qube cannot balloon, so what it holds above its preferred size
 *     counts in the published figure but no start can get it. R4.3 sets a preload's memory to its
 *     preferred size before pausing it ({@code on_domain_pre_paused}); a qube paused otherwise keeps
 *     its share of the free memory the balance gave it ({@code balance_when_enough_mem}).</li>
 * </ul>
 * A guest is taken to use the memory it started with. Plain Java; times come from the caller's clock.
 */
public final class Qmemman {

    /** One qube as qmemman sees it. {@code heldMiB}: while paused, what it holds (else 0). */
    private record Domain(boolean dom0, long memoryMiB, long maxMiB, long reportsAtNanos, boolean paused, long heldMiB) {

        boolean reportedBy(long nanos) {
            return reportsAtNanos <= nanos;
        }

        /** {@code pref_mem} of the guest using what it started with. */
        long preferredMiB(QmemmanRules rules) {
            return rules.preferredMiB(dom0, memoryMiB, maxMiB <= 0 ? memoryMiB : maxMiB);
        }
    }

    /** The domains and the memory taken outside them as they were from {@code atNanos} on. */
    private record State(long atNanos, Map<String, Domain> domains, long takenByOthersMiB) {
    }

    private final QmemmanRules rules;
    private final long totalMiB;
    private final LongSupplier nanos;
    /** Oldest first; the last is now. Older states are kept while a reader may still see them. */
    private final Deque<State> states = new ArrayDeque<>();

    public Qmemman(QmemmanRules rules, long totalMiB, long dom0MiB, LongSupplier nanos) {
        this.rules = rules;
        this.totalMiB = totalMiB;
        this.nanos = nanos;
        Map<String, Domain> boot = new LinkedHashMap<>();
        boot.put("dom0", new Domain(true, dom0MiB, dom0MiB, Long.MIN_VALUE, false, 0));
        states.add(new State(Long.MIN_VALUE, Map.copyOf(boot), 0));
    }

    public QmemmanRules rules() {
        return rules;
    }

    // ------------------------------------------------------------------ what the host tells qmemman

    /** A qube started with {@code memoryMiB}, balanced up to {@code maxMiB} (0: not balanced). */
    public synchronized void started(String qube, long memoryMiB, long maxMiB) {
        long now = nanos.getAsLong();
        change(now, qube, new Domain(false, memoryMiB, maxMiB, now + rules.meminfoDelay().toNanos(), false, 0));
    }

    /**
     * A qube is paused. {@code preload}: qubesd paused one of its own preloads, which on R4.3 first
     * gives back what it holds above its preferred size ({@link QmemmanRules#shrinkPreloads}).
     */
    public synchronized void paused(String qube, boolean preload) {
        long now = nanos.getAsLong();
        Domain d = current().domains().get(qube);
        if (d == null || d.paused()) {
            return;
        }
        boolean shrunk = preload && rules.shrinkPreloads() && d.maxMiB() > 0;
        long held = !d.reportedBy(now) ? d.memoryMiB() : shrunk ? d.preferredMiB(rules) : balancedMiB(now, d);
        // a paused guest's meminfo writer is frozen: one that had not reported yet does not until unpaused
        long reports = d.reportedBy(now) ? d.reportsAtNanos() : Long.MAX_VALUE;
        change(now, qube, new Domain(false, d.memoryMiB(), d.maxMiB(), reports, true, held));
    }

    public synchronized void unpaused(String qube) {
        long now = nanos.getAsLong();
        Domain d = current().domains().get(qube);
        if (d == null || !d.paused()) {
            return;
        }
        long reports = d.reportedBy(now) ? d.reportsAtNanos() : now + rules.meminfoDelay().toNanos();
        change(now, qube, new Domain(false, d.memoryMiB(), d.maxMiB(), reports, false, 0));
    }

    /** The qube halted: Xen has its memory back. */
    public synchronized void halted(String qube) {
        if (current().domains().containsKey(qube)) {
            change(nanos.getAsLong(), qube, null);
        }
    }

    /** Memory held outside the modelled qubes (other qubes took it), in MiB; 0 gives it back. */
    public synchronized void takenByOthers(long mib) {
        State s = current();
        append(new State(nanos.getAsLong(), s.domains(), Math.max(0, mib)));
    }

    // ------------------------------------------------------------------ what readers see

    /** The figure in qmemman's file now: the state {@link QmemmanRules#publishDelay} ago. */
    public synchronized long publishedMiB() {
        long seen = nanos.getAsLong() - rules.publishDelay().toNanos();
        while (states.size() > 1 && second().atNanos() <= seen) {
            states.removeFirst();
        }
        return figure(states.getFirst(), seen);
    }

    /** What a start could get now: the current figure less what paused qubes hold above their preferred size. */
    public synchronized long obtainableMiB() {
        long now = nanos.getAsLong();
        State s = current();
        long frozen = 0;
        for (Domain d : s.domains().values()) {
            if (d.paused() && d.reportedBy(now)) {
                frozen += Math.max(0, d.heldMiB() - d.preferredMiB(rules));
            }
        }
        return figure(s, now) - frozen;
    }

    /** What a qube holds now as qmemman sees it, in MiB; 0 for a qube that is not running. */
    public synchronized long heldMiB(String qube) {
        long now = nanos.getAsLong();
        Domain d = current().domains().get(qube);
        if (d == null) {
            return 0;
        }
        return d.paused() ? d.heldMiB() : d.reportedBy(now) ? balancedMiB(now, d) : d.memoryMiB();
    }

    // ------------------------------------------------------------------ qmemman's arithmetic

    /**
     * {@code total_available_mem}: Xen's free memory less {@code XEN_FREE_MEM_LEFT} less what the
     * reporting qubes need. A reporting qube's actual memory and its need cancel, so it counts at
     * its preferred size; one not yet reporting counts at what it holds.
     */
    private long figure(State s, long at) {
        long used = rules.freeLeftMiB() + s.takenByOthersMiB();
        for (Domain d : s.domains().values()) {
            if (!d.reportedBy(at)) {
                used += d.paused() ? d.heldMiB() : d.memoryMiB();
            } else {
                used += d.preferredMiB(rules);
            }
        }
        return totalMiB - used;
    }

    /**
     * {@code balance_when_enough_mem}: each running reporting qube gets its preferred size plus its
     * share (by preferred size) of the free memory, capped at its maximum; what the caps leave is
     * spread evenly over the qubes still under theirs. Without {@link QmemmanRules#balloonsUp}, what it started with.
     */
    private long balancedMiB(long now, Domain d) {
        if (!rules.balloonsUp() || d.maxMiB() <= 0) {
            return d.memoryMiB();
        }
        State s = current();
        Map<Domain, Long> targets = new IdentityHashMap<>();
        long free = Math.max(0, figure(s, now));
        long prefs = 0;
        for (Domain o : s.domains().values()) {
            prefs += balanced(o, now) ? o.preferredMiB(rules) : 0;
        }
        long left = 0;
        for (Domain o : s.domains().values()) {
            if (balanced(o, now)) {
                long pref = o.preferredMiB(rules);
                long target = (long) (0.999 * (pref + free * ((double) pref / prefs)));
                left += Math.max(0, target - o.maxMiB());
                targets.put(o, Math.min(target, o.maxMiB()));
            }
        }
        spread(targets, left);
        return targets.getOrDefault(d, d.memoryMiB());
    }

    /** The {@code mem_left} loop: what the caps left, evenly to those under their maximum, until none is left. */
    private static void spread(Map<Domain, Long> targets, long left) {
        long under = targets.entrySet().stream().filter(e -> e.getValue() < e.getKey().maxMiB()).count();
        while (left > 0 && under > 0) {
            long bonus = (long) (0.999 * left / under);
            long nextLeft = 0;
            for (Map.Entry<Domain, Long> e : targets.entrySet()) {
                long target = e.getValue();
                if (target < e.getKey().maxMiB()) {
                    nextLeft += Math.max(0, target + bonus - e.getKey().maxMiB());
                    e.setValue(Math.min(target + bonus, e.getKey().maxMiB()));
                }
            }
            long nextUnder = targets.entrySet().stream().filter(e -> e.getValue() < e.getKey().maxMiB()).count();
            if (nextLeft == left && nextUnder == under || bonus == 0) {
                return;
            }
            left = nextLeft;
            under = nextUnder;
        }
    }

    private static boolean balanced(Domain d, long now) {
        return !d.paused() && d.reportedBy(now) && d.maxMiB() > 0;
    }

    private State current() {
        return states.getLast();
    }

    private void change(long now, String qube, Domain d) {
        Map<String, Domain> next = new LinkedHashMap<>(current().domains());
        if (d == null) {
            next.remove(qube);
        } else {
            next.put(qube, d);
        }
        append(new State(now, Map.copyOf(next), current().takenByOthersMiB()));
    }

    /** Adds the state as of now and drops those no reader can see any more. */
    private void append(State s) {
        states.addLast(s);
        long seen = s.atNanos() - rules.publishDelay().toNanos();
        while (states.size() > 1 && second().atNanos() <= seen) {
            states.removeFirst();
        }
    }

    /** Once the second state is visible the first never is again. */
    private State second() {
        var it = states.iterator();
        it.next();
        return it.next();
    }
}
