package dispool.host.sim;

import java.util.Locale;

/** The host calls the simulator times, counts and can fault, one per kind of Admin API call. */
public enum SimOp {
    LIST, PROPERTY, FEATURE, CREATE, START, RUN_SERVICE, PAUSE, UNPAUSE, KILL, REMOVE;

    /** The name used in fault specs: {@code run-service} for RUN_SERVICE. */
    public String specName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static SimOp fromSpec(String name) {
        for (SimOp op : values()) {
            if (op.specName().equals(name.trim())) {
                return op;
            }
        }
        throw new IllegalArgumentException("fault spec: unknown call '" + name + "'; known: list, property, feature, "
                + "create, start, run-service, pause, unpause, kill, remove");
    }
}
