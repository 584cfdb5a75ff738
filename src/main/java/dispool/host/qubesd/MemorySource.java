package dispool.host.qubesd;

import dispool.host.QubesHost;
import java.util.OptionalLong;

/**
 * Where the qubesd host's available-memory figure comes from: qmemman's file in dom0
 * ({@link QmemmanFile}, R4.3) or, where there is none (R4.2, a management qube), a budget
 * dispool accounts its own preloads against ({@link MemoryBudget}).
 */
public interface MemorySource {

    /** Available memory in bytes (may be negative), or empty when there is no figure. */
    OptionalLong available(QubesHost host);

    /** No figure at all: preloading is not gated by memory (the engine warns once). */
    MemorySource NONE = new MemorySource() {
        @Override
        public OptionalLong available(QubesHost host) {
            return OptionalLong.empty();
        }

        @Override
        public String describe() {
            return "none (no qmemman file, no dispool.qubes.memory-budget-mib)";
        }
    };

    /** For the API and logs, e.g. {@code qmemman /var/run/qubes/qmemman-avail-mem}. */
    String describe();

    /**
     * Called before dispool pauses one of its preloads: a source that can reach qmemman hands the
     * preload's surplus back first ({@link QmemmanBalloon}); the others leave it as it is.
     */
    default void beforePause(QubesHost host, String qube) {
    }
}
