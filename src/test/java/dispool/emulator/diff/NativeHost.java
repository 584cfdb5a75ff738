package dispool.emulator.diff;

import dispool.emulator.reference.QubesdPreloading;
import dispool.host.QubesHost;
import dispool.host.sim.SimHost;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * The simulated host as dispool sees it on an R4.3 qubesd that preloads natively: every call goes
 * to the simulator, except {@code admin.vm.CreateDisposable}, which qubesd's reference model answers
 * (one of its preloads when it has one). Records what each creation gave, so the differential can
 * tell that dispool preloaded nothing of its own and read qubesd's answer right.
 */
final class NativeHost {

    private final SimHost sim;
    private final Function<String, QubesdPreloading.Disposable> createDisposable;
    /** Per disposable created through dispool: whether qubesd gave one of its preloads. */
    private final Map<String, Boolean> givenPreloaded = new ConcurrentHashMap<>();
    /** Creations dispool asked for with features of its own (a preload of dispool's: double preloading). */
    private final List<String> ownPreloads = new CopyOnWriteArrayList<>();
    private final QubesHost host;

    NativeHost(SimHost sim, Function<String, QubesdPreloading.Disposable> createDisposable) {
        this.sim = sim;
        this.createDisposable = createDisposable;
        // every QubesHost method goes to the simulator as is; only the creation is qubesd's
        this.host = (QubesHost) Proxy.newProxyInstance(QubesHost.class.getClassLoader(), new Class<?>[] {QubesHost.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("createDisposable") && args.length == 2) {
                        @SuppressWarnings("unchecked")
                        Map<String, String> features = (Map<String, String>) args[1];
                        return create((String) args[0], features);
                    }
                    try {
                        return method.invoke(this.sim, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** The host dispool's engine is given. */
    QubesHost host() {
        return host;
    }

    /** Whether qubesd gave {@code name} as one of its preloads; null for a qube dispool did not get from it. */
    Boolean givenPreloaded(String name) {
        return givenPreloaded.get(name);
    }

    List<String> ownPreloads() {
        return List.copyOf(ownPreloads);
    }

    private String create(String dvmTemplate, Map<String, String> features) {
        if (!features.isEmpty()) {
            ownPreloads.add(dvmTemplate + " " + features);
        }
        QubesdPreloading.Disposable d = createDisposable.apply(dvmTemplate);
        givenPreloaded.put(d.name(), d.preloaded());
        return d.name();
    }
}
