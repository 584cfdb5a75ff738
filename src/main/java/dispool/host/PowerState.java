package dispool.host;

/** Qubes' power states, spelled as admin.vm.List prints them. */
public enum PowerState {
    Halted, Transient, Running, Paused, Suspended, Halting, Dying, Crashed, NA;

    /** True while the qube holds memory: anything between a start and its end. */
    public boolean isActive() {
        return this == Transient || this == Running || this == Paused || this == Suspended || this == Halting;
    }
}
