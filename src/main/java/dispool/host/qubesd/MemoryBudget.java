package dispool.host.qubesd;

import dispool.host.QubeInfo;
import dispool.host.QubesException;
import dispool.host.QubesHost;
import java.util.OptionalLong;

/**
 * A memory budget for hosts without qmemman's file (R4.2, or dispool in a management qube):
 * {@code budget − Σ memory of dispool's running or paused preloads}, the preloads being the
 * disposables that carry {@code internal} (set on every preload, removed at hand-out). The
 * engine's memory gate then treats the result like qmemman's figure, with
 * {@code preload-dispvm-threshold} still subtracted; preloads still starting are reserved by the
 * gate itself.
 */
public final class MemoryBudget implements MemorySource {

    private static final long MIB = 1L << 20;
    private final long budgetMiB;

    public MemoryBudget(long budgetMiB) {
        if (budgetMiB < 0) {
            throw new IllegalArgumentException("dispool.qubes.memory-budget-mib " + budgetMiB + " refused: must be >= 0");
        }
        this.budgetMiB = budgetMiB;
    }

    @Override
    public OptionalLong available(QubesHost host) {
        long used = 0;
        for (QubeInfo q : host.listQubes()) {
            if (q.isDispVm() && q.state().isActive() && host.feature(q.name(), "internal").isPresent()) {
                used += memoryMiB(host, q.name());
            }
        }
        return OptionalLong.of((budgetMiB - used) * MIB);
    }

    private static long memoryMiB(QubesHost host, String qube) {
        try {
            return Long.parseLong(host.property(qube, "memory"));
        } catch (NumberFormatException | QubesException e) {
            return 0; // gone meanwhile, or no number: it holds nothing we can count
        }
    }

    @Override
    public String describe() {
        return "budget " + budgetMiB + " MiB (dispool.qubes.memory-budget-mib)";
    }
}
