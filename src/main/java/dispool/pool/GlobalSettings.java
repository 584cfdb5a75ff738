package dispool.pool;

/**
 * The host-wide knobs, all on dom0 except {@code default_dispvm} (a global property).
 *
 * @param globalMax     dom0's preload-dispvm-max, null when dom0 has no such feature
 * @param thresholdMiB  dom0's preload-dispvm-threshold, MiB (0 when unset)
 * @param delaySeconds  dom0's preload-dispvm-delay, seconds (3 when unset)
 * @param defaultDispvm the global default_dispvm, null when none
 * @param availableMiB  the host's available-memory figure, null when it has none
 * @param availableMemorySource where that figure comes from (qmemman's file, a budget, the simulator, none)
 */
public record GlobalSettings(Integer globalMax, long thresholdMiB, double delaySeconds, String defaultDispvm,
        Long availableMiB, String availableMemorySource) {
}
