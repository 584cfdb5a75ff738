package dispool.app;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The hand-out history behind the live advice ({@code GET /api/v1/pools/{t}/advice},
 * {@code dispool advice}, the {@code dispool.pool.advice.max} gauge). Kept apart from
 * {@link DispoolConfig} so the advice stays in its own files.
 */
@ConfigMapping(prefix = "dispool.history")
public interface HistoryConfig {

    /** Keep the history across restarts in {@link #dir()}; false: in memory only. Default true. */
    @WithDefault("true")
    boolean persist();

    /** Directory of {@code history.jsonl} (and its older half, {@code history.jsonl.1}). Default ${user.home}/.local/state/dispool. */
    @WithDefault("${user.home}/.local/state/dispool")
    Path dir();

    /** Most bytes the two history files hold together; at least 4096. Default 4194304 (4 MiB). */
    @WithDefault("4194304")
    long maxBytes();

    /** Most history lines kept in memory per DVM template (the newest). Default 50000. */
    @WithDefault("50000")
    int maxEntries();

    /** Highest share of requests that may find no ready preload, when a request names none. Default 0.01. */
    @WithDefault("0.01")
    double missTarget();

    /** Longest gap between two requests of one burst. Default 30s. */
    @WithDefault("30s")
    Duration burstGap();

    /** How long the metrics reuse a computed advice before replaying again. Default 60s. */
    @WithDefault("60s")
    Duration adviceRefresh();
}
