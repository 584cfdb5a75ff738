package dispool.emulator.diff;

import java.util.List;

/**
 * A DVM template a workload is run on: its memory, its TemplateVM and how much slower than
 * Fedora-XFCE it boots. Every differential host has all of them (a second DVM template is where
 * {@code default_dispvm} moves to); the workload's knobs are set on one.
 */
record DvmProfile(String name, long memoryMiB, String templateVm, double bootFactor, long hostMemoryMiB) {

    /*
     * The host's memory: room for the heaviest workload at qmemman's preferred size (burst of 12:
     * 12 users, 4 preloads, 1.3 × memory each) besides dom0's 4,000 MiB. A workload that ran out of
     * memory would test the host, not preloading: on 16,000 MiB whonix-dvm's bursts failed on every
     * side alike ("Not enough memory to start domain"); memory that runs out is threshold pressure's subject.
     */
    static final DvmProfile WEB = new DvmProfile("web-dvm", 400, "debian-13-xfce", 1.0, 16_000);
    static final DvmProfile WORK = new DvmProfile("work-dvm", 800, "fedora-42-xfce", 1.2, 24_000);
    static final DvmProfile WHONIX = new DvmProfile("whonix-dvm", 1_200, "whonix-workstation-18", 1.6, 32_000);

    static List<DvmProfile> all() {
        return List.of(WEB, WORK, WHONIX);
    }

    /** Another DVM template on the same host (where {@code default_dispvm} is moved away to). */
    DvmProfile other() {
        return this == WEB ? WORK : WEB;
    }

    /** A TemplateVM on every differential host that no DVM template uses at boot (for a {@code template} change). */
    static final String SPARE_TEMPLATE_VM = "debian-13-minimal";
}
