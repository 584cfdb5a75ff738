package dispool.api;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The request bodies as OpenAPI documents them. The resources read the JSON strictly themselves
 * ({@link Json}: unknown fields and wrong types are refused naming the field, numbers are kept as
 * written so that Qubes' own rules judge them, and a null is told apart from an absent field).
 */
final class Bodies {

    private Bodies() {
    }

    @Schema(name = "PoolMax", description = "PUT /api/v1/pools/{template}: max, policy, or both")
    record PoolMax(
            @Schema(type = SchemaType.INTEGER, minimum = "0", maximum = "100",
                    description = "the template's preload-dispvm-max: digits only, 0 to 100") String max,
            @Schema(nullable = true, enumeration = {"qubes", "adaptive"},
                    description = "the template's preload-dispvm-x-dispool-policy; null removes it (the service's default applies)")
            String policy) {
    }

    @Schema(name = "Settings", description = "PUT /api/v1/settings: only the fields given change")
    record Settings(
            @Schema(type = SchemaType.INTEGER, nullable = true, minimum = "0", maximum = "100",
                    description = "dom0's preload-dispvm-max (governs the default_dispvm); null removes it") String globalMax,
            @Schema(type = SchemaType.INTEGER, minimum = "0",
                    description = "dom0's preload-dispvm-threshold, MiB that preloading leaves available") String threshold,
            @Schema(type = SchemaType.NUMBER, minimum = "-86400", maximum = "86400",
                    description = "dom0's preload-dispvm-delay, seconds (negative: refill only when empty); a number, "
                            + "or a string Python's float() reads") String delay,
            @Schema(description = "the global default_dispvm; refused (403) unless "
                    + "dispool.api.allow-default-dispvm-change=true") String defaultDispvm) {
    }
}
