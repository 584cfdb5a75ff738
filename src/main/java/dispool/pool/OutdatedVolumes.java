package dispool.pool;

import dispool.host.QubesException;
import dispool.host.QubesHost;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads whether a preload's volumes are outdated, after Qubes' {@code DispVM.is_preload_outdated}
 * (qubes/vm/dispvm.py; keep in sync): {@code root} is a snapshot of the TemplateVM's root taken at
 * start, {@code private} one of the DVM template's private; {@code is_outdated} says the source
 * changed since (the TemplateVM was updated, the DVM template ran and saved its private).
 */
final class OutdatedVolumes {

    static final List<String> VOLUMES = List.of("root", "private");

    private final QubesHost host;

    OutdatedVolumes(QubesHost host) {
        this.host = host;
    }

    /** The outdated volumes of the qube; empty when none is, or when the qube is gone already. */
    List<String> of(String qube) {
        List<String> out = new ArrayList<>();
        try {
            for (String volume : VOLUMES) {
                if (host.volume(qube, volume).outdated()) {
                    out.add(volume);
                }
            }
        } catch (QubesException e) {
            if (!e.is(QubesException.VM_NOT_FOUND)) {
                throw e;
            }
        }
        return out;
    }
}
