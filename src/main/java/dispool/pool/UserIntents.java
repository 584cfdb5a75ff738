package dispool.pool;

import dispool.host.Clock;
import dispool.host.HostEvent;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * What a user is about to do that qubesd (R4.2, and R4.3 before v4.3.39) refuses while dispool's
 * preloads exist, noticed from the pre-event qubesd sends before it refuses: dispool empties the
 * pool and holds it empty, so the user's next try goes through. qubesd sends no event when it
 * refuses a property change, so the hold ends when the change is seen done, or after
 * {@link #RETRY_WINDOW} when it is not. The guards and events, read from qubes-core-admin
 * {@code release4.2}:
 * <ul>
 * <li>{@code property-pre-set:template} of a DVM template: refused while its disposables run
 *     (dvmtemplate.py {@code __on_pre_property_set_template}); held until {@code property-set:template};</li>
 * <li>{@code property-pre-set:template_for_dispvms} False, {@code property-pre-reset:template_for_dispvms}:
 *     refused while any disposable of it exists; held until the property is set or reset;</li>
 * <li>{@code domain-pre-delete} of a DVM template (qvm-remove; app.py {@code on_domain_pre_deleted}):
 *     held until {@code domain-delete};</li>
 * <li>{@code domain-pre-shutdown} of the preloads' netvm without force (net.py
 *     {@code on_domain_pre_shutdown}): held until the netvm starts again, since starting a
 *     preload would start it (a failed shutdown, {@code domain-shutdown-failed}, keeps the hold).</li>
 * </ul>
 * In native mode qubesd exempts its own preloads from these guards, and dispool makes none.
 */
final class UserIntents {

    private static final System.Logger LOG = System.getLogger(UserIntents.class.getName());

    /**
     * How long a pool stays empty after a pre-event that no completion followed: qubesd refused,
     * and the user is told to run the command again. A minute of host time covers reading the
     * refusal and retrying; after it the pool refills as before.
     */
    static final Duration RETRY_WINDOW = Duration.ofSeconds(60);

    /** One held pool: why, what ends it, and when it ends anyway (Long.MAX_VALUE: only the event). */
    private record Hold(String reason, Predicate<HostEvent> endsOn, long untilNanos) {
    }

    private final PreloadIndex index;
    private final Preloading.Runners runners;
    private final Clock clock;
    private final Map<String, Hold> holds = new ConcurrentHashMap<>();

    UserIntents(PreloadIndex index, Preloading.Runners runners, Clock clock) {
        this.index = index;
        this.runners = runners;
        this.clock = clock;
    }

    /** Why the pool must stay empty now, or null; a held pool is reconciled again when its hold runs out. */
    String holdReason(Pool pool) {
        Hold h = holds.get(pool.template);
        if (h == null) {
            return null;
        }
        long left = h.untilNanos() - clock.nanos();
        if (left <= 0) {
            holds.remove(pool.template, h);
            return null;
        }
        if (h.untilNanos() != Long.MAX_VALUE) {
            runners.markAfter(pool, Duration.ofNanos(left)); // a timer may fire a little early: look again then
        }
        return h.reason();
    }

    void route(HostEvent e) {
        endHolds(e);
        String subject = e.subject();
        if (e.is("property-pre-set:template") && !e.kwarg("newvalue").equals(e.kwarg("oldvalue"))) {
            hold(subject, "its template is being changed to " + e.kwarg("newvalue"), "qvm-prefs " + subject + " template "
                    + e.kwarg("newvalue"), done -> done.subject().equals(subject) && done.is("property-set:template"), true);
        } else if (e.is("property-pre-set:template_for_dispvms") && "False".equals(e.kwarg("newvalue"))
                || e.is("property-pre-reset:template_for_dispvms")) {
            hold(subject, "template_for_dispvms is being turned off", "qvm-prefs " + subject + " template_for_dispvms False",
                    done -> done.subject().equals(subject) && (done.is("property-set:template_for_dispvms")
                            || done.is("property-reset:template_for_dispvms")), true);
        } else if (e.is("domain-pre-delete")) {
            String qube = e.kwarg("vm");
            hold(qube, "it is being removed", "qvm-remove " + qube,
                    done -> done.is("domain-delete") && done.kwarg("vm").equals(qube), true);
        } else if (e.is("domain-pre-shutdown") && !"True".equals(e.kwarg("force"))) {
            netvmShuttingDown(subject);
        }
    }

    private void netvmShuttingDown(String netvm) {
        for (Pool pool : index.pools()) {
            // a preload's netvm is its DVM template's (DispVM's default), which the fingerprint keeps
            if (netvm.equals(pool.settings.fingerprint().properties().get("netvm"))) {
                hold(pool.template, "its preloads' netvm " + netvm + " is shutting down", "qvm-shutdown " + netvm,
                        done -> done.subject().equals(netvm) && done.is("domain-start"), false);
            }
        }
    }

    private void hold(String template, String why, String command, Predicate<HostEvent> endsOn, boolean bounded) {
        Pool pool = index.pool(template);
        if (pool == null) {
            return;
        }
        long until = bounded ? clock.nanos() + RETRY_WINDOW.toNanos() : Long.MAX_VALUE;
        String reason = template + ": " + why + "; dispool removes its preloads and stops refilling"
                + (bounded ? " for " + RETRY_WINDOW.toSeconds() + " s" : " until " + command.substring(command.lastIndexOf(' ') + 1)
                        + " starts again");
        Hold previous = holds.put(template, new Hold(reason, endsOn, until));
        if (previous == null && !pool.preloads.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, reason + ". qubesd R4.2 refuses '" + command + "' while dispool's "
                    + pool.preloads.size() + " preload(s) of " + template + " exist: run it again once they are gone ('dispool ls "
                    + template + "' shows 0); to keep the pool empty for longer, 'dispool set " + template
                    + " preload-dispvm-max 0' (or 'dispool drain' for every pool)");
        }
        runners.mark(pool, reason);
    }

    private void endHolds(HostEvent e) {
        holds.forEach((template, h) -> {
            if (h.endsOn().test(e) && holds.remove(template, h)) {
                Pool pool = index.pool(template);
                if (pool != null) {
                    runners.mark(pool, e.name() + ": " + template + " refills again");
                }
            }
        });
    }
}
