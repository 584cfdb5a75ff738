package dispool.emulator.diff;

import dispool.emulator.reference.QubesdPreloading;
import dispool.host.Clock;
import dispool.host.HostEvent;
import dispool.host.QubeInfo;
import dispool.host.QubesHost;
import dispool.host.ServiceResult;
import dispool.host.VolumeInfo;
import dispool.host.sim.SimHost;
import io.smallrye.mutiny.Multi;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The simulated host as dispool sees it on an R4.3 qubesd that preloads natively: every call goes
 * to the simulator, except {@code admin.vm.CreateDisposable}, which qubesd's reference model answers
 * (one of its preloads when it has one). Records what each creation gave, so the differential can
 * tell that dispool preloaded nothing of its own and read qubesd's answer right.
 */
final class NativeHost implements QubesHost {

    private final SimHost sim;
    private final Function<String, QubesdPreloading.Disposable> createDisposable;
    /** Per disposable created through dispool: whether qubesd gave one of its preloads. */
    private final Map<String, Boolean> givenPreloaded = new ConcurrentHashMap<>();
    /** Creations dispool asked for with features of its own (a preload of dispool's: double preloading). */
    private final List<String> ownPreloads = new java.util.concurrent.CopyOnWriteArrayList<>();

    NativeHost(SimHost sim, Function<String, QubesdPreloading.Disposable> createDisposable) {
        this.sim = sim;
        this.createDisposable = createDisposable;
    }

    /** Whether qubesd gave {@code name} as one of its preloads; null for a qube dispool did not get from it. */
    Boolean givenPreloaded(String name) {
        return givenPreloaded.get(name);
    }

    List<String> ownPreloads() {
        return List.copyOf(ownPreloads);
    }

    @Override
    public String createDisposable(String dvmTemplate, Map<String, String> features) {
        if (!features.isEmpty()) {
            ownPreloads.add(dvmTemplate + " " + features);
        }
        QubesdPreloading.Disposable d = createDisposable.apply(dvmTemplate);
        givenPreloaded.put(d.name(), d.preloaded());
        return d.name();
    }

    @Override
    public List<QubeInfo> listQubes() {
        return sim.listQubes();
    }

    @Override
    public QubeInfo qube(String name) {
        return sim.qube(name);
    }

    @Override
    public String property(String qube, String property) {
        return sim.property(qube, property);
    }

    @Override
    public Map<String, String> properties(String qube) {
        return sim.properties(qube);
    }

    @Override
    public String globalProperty(String property) {
        return sim.globalProperty(property);
    }

    @Override
    public void setGlobalProperty(String property, String value) {
        sim.setGlobalProperty(property, value);
    }

    @Override
    public Optional<String> feature(String qube, String feature) {
        return sim.feature(qube, feature);
    }

    @Override
    public void setFeature(String qube, String feature, String value) {
        sim.setFeature(qube, feature, value);
    }

    @Override
    public void removeFeature(String qube, String feature) {
        sim.removeFeature(qube, feature);
    }

    @Override
    public VolumeInfo volume(String qube, String volume) {
        return sim.volume(qube, volume);
    }

    @Override
    public void start(String qube) {
        sim.start(qube);
    }

    @Override
    public void pause(String qube) {
        sim.pause(qube);
    }

    @Override
    public void unpause(String qube) {
        sim.unpause(qube);
    }

    @Override
    public void kill(String qube) {
        sim.kill(qube);
    }

    @Override
    public void remove(String qube) {
        sim.remove(qube);
    }

    @Override
    public ServiceResult runService(String qube, String service, Duration timeout) {
        return sim.runService(qube, service, timeout);
    }

    @Override
    public OptionalLong availableMemory() {
        return sim.availableMemory();
    }

    @Override
    public String availableMemorySource() {
        return sim.availableMemorySource();
    }

    @Override
    public Multi<HostEvent> events() {
        return sim.events();
    }

    @Override
    public Clock clock() {
        return sim.clock();
    }
}
