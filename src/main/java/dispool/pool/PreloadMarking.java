package dispool.pool;

import dispool.host.QubesException;

/**
 * The lifecycle's bookkeeping on the host ({@link Marks}): the template's list of preloads, and
 * the marks a hand-out clears and writes. A failed write is a warning, never a failed step:
 * the engine's memory stays right, and recovery reads the marks only after a restart.
 */
final class PreloadMarking {

    private final LifecycleContext ctx;
    private final Ownership ownership;

    PreloadMarking(LifecycleContext ctx, Ownership ownership) {
        this.ctx = ctx;
        this.ownership = ownership;
    }

    /** Writes the template's list from memory; the last write is the newest ({@link ListWriter}). */
    void writeList(Pool pool) {
        pool.listWriter.write(() -> String.join(" ", pool.listedNames()), value -> {
            try {
                if (!value.equals(ctx.host.feature(pool.template, ctx.marks.list()).orElse(""))) {
                    ctx.host.setFeature(pool.template, ctx.marks.list(), value);
                }
            } catch (QubesException e) {
                ctx.warn(pool, "could not write " + ctx.marks.list() + " of " + pool.template + ": "
                        + PreloadLifecycle.describe(e));
            }
        });
    }

    /** Writes the hand-out mark; while it is not written the engine still knows it handed the qube out. */
    void markHandedOut(Pool pool, String name) {
        try {
            ownership.mark(name);
        } catch (QubesException e) {
            ctx.warn(pool, name + " was handed out but its mark " + Ownership.FEATURE + " could not be written: "
                    + PreloadLifecycle.describe(e) + "; its caller can remove it while this dispool runs");
        }
    }

    /** After a hand-out: out of the template's list, visible in menus, no longer in progress. */
    void unmark(Pool pool, String name) {
        writeList(pool);
        try {
            dropInternal(pool, name);
            ctx.host.removeFeature(name, ctx.marks.inProgress());
        } catch (QubesException e) {
            if (!e.is(QubesException.VM_NOT_FOUND)) { // already removed by its user: no marks left to clear
                ctx.warn(pool, name + " was handed out but its marks could not be cleared: " + PreloadLifecycle.describe(e));
            }
        }
    }

    /**
     * Makes a handed-out disposable show in menus, unless its DVM template is itself internal:
     * then it inherited {@code internal} and keeps it ({@code DispVM.use_preload}).
     */
    void dropInternal(Pool pool, String name) {
        if (ctx.host.feature(pool.template, ctx.marks.internal()).orElse("").isEmpty()) {
            ctx.host.removeFeature(name, ctx.marks.internal());
        }
    }
}
