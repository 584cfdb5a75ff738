package dispool.emulator.reference;

import java.util.concurrent.CompletableFuture;

/**
 * A preload between {@code mark_preload} and the end of its disk creation. qubesd lists a preload
 * before its disk exists, so a request can take it then; the simulator names a disposable only
 * once it is made, so the listing waits here meanwhile, in list order after the named ones.
 */
final class Creation {

    /** The disposable, once made; fails when the creation fails. */
    final CompletableFuture<DispVm> made = new CompletableFuture<>();
    /** A request took it while it was being made ({@code mark_preload_requested}). */
    boolean requested;
}
