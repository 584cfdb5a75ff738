package dispool.chaos;

import dispool.host.HostEvent;
import dispool.host.sim.SimHost;
import io.smallrye.mutiny.subscription.Cancellable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Each template's generation of the chaos knob property as the host's event stream has told it:
 * what dispool can know. On R4.2 dispool learns of a change from {@code admin.Events} like any
 * client, after qubesd made it, so a hand-out that begins between the change and its event may
 * still get a preload of the generation before; "nothing is handed out while outdated" holds from
 * the event on. Subscribed after the engine, on the same ordered stream, whose handlers run on the
 * stream's thread: when this hears an event, the engine has handled it. After a cut stream (a
 * qubesd restart loses the events meanwhile) the host is read again, as the engine re-reads it.
 */
final class KnownGenerations implements AutoCloseable {

    private final SimHost sim;
    private final String property;
    private final Map<String, AtomicInteger> known = new ConcurrentHashMap<>();
    private Cancellable subscription;

    KnownGenerations(SimHost sim, List<String> templates, String property) {
        this.sim = sim;
        this.property = property;
        templates.forEach(t -> known.put(t, new AtomicInteger(read(t))));
    }

    /** Call after the engine has subscribed: its handlers then run before this one hears an event. */
    void subscribe() {
        subscription = sim.events().subscribe().with(this::heard);
    }

    int get(String template) {
        return known.get(template).get();
    }

    private void heard(HostEvent e) {
        if (e.is(HostEvent.CONNECTION_ESTABLISHED)) {
            known.forEach((t, g) -> g.set(read(t)));
        } else if (e.is("property-set") && property.equals(e.suffix()) && known.containsKey(e.subject())) {
            known.get(e.subject()).set(generationOf(e.kwarg("newvalue")));
        }
    }

    private int read(String template) {
        return generationOf(sim.peekProperty(template, property).orElse("gen-0"));
    }

    private static int generationOf(String value) {
        return Integer.parseInt(value.substring("gen-".length()));
    }

    @Override
    public void close() {
        if (subscription != null) {
            subscription.cancel();
        }
    }
}
