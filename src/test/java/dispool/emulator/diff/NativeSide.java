package dispool.emulator.diff;

import dispool.host.sim.SimHost;
import dispool.pool.PreloadOwner;
import java.util.ArrayList;
import java.util.List;

/**
 * dispool in native mode: qubesd R4.3 preloads (the reference model) and dispool, on top, only
 * hands out through {@code admin.vm.CreateDisposable} and shows qubesd's pools. What a user saw
 * must be what the reference alone gives, with no preload of dispool's own.
 */
final class NativeSide implements Side {

    private final ReferenceSide qubesd;
    private final NativeHost nativeHost;
    private final DispoolSide dispool;
    /** Hand-outs where dispool's "from the pool" disagreed with what qubesd gave. */
    private final List<String> misread = new java.util.concurrent.CopyOnWriteArrayList<>();

    NativeSide(SimHost host, String dvm) {
        this.qubesd = new ReferenceSide(host, dvm);
        this.nativeHost = new NativeHost(host, qubesd::createDisposable);
        this.dispool = new DispoolSide(host, dvm, nativeHost.host(), PreloadOwner.HOST);
    }

    @Override
    public String label() {
        return dispool.label();
    }

    @Override
    public String dvm() {
        return qubesd.dvm();
    }

    @Override
    public SimHost host() {
        return qubesd.host();
    }

    @Override
    public void boot() {
        qubesd.boot();
        dispool.boot();
    }

    @Override
    public Served request(String template) {
        Served s = dispool.request(template);
        Boolean given = nativeHost.givenPreloaded(s.name());
        if (given == null || given != s.preloaded()) {
            misread.add(s.name() + ": dispool says " + (s.preloaded() ? "from the pool" : "cold") + ", qubesd gave "
                    + (given == null ? "nothing" : given ? "a preload" : "a new disposable"));
        }
        return s;
    }

    /** qubesd preloads here: its handlers see the change first, as on the reference. */
    @Override
    public void setProperty(String qube, String name, String value) {
        qubesd.setProperty(qube, name, value);
    }

    @Override
    public void setGlobalProperty(String name, String value) {
        qubesd.setGlobalProperty(name, value);
    }

    @Override
    public int ready(String template) {
        return qubesd.ready(template);
    }

    @Override
    public List<String> heldNames(String template) {
        return qubesd.heldNames(template);
    }

    /** qubesd's discards, then any of dispool's (there must be none: dispool owns no preload here). */
    @Override
    public List<String> discards() {
        List<String> out = new ArrayList<>(qubesd.discards());
        dispool.discards().forEach(d -> out.add("dispool: " + d));
        return out;
    }

    /** What must be empty in native mode: creations with dispool's own preload marks, and misread hand-outs. */
    List<String> doublePreloading() {
        List<String> out = new ArrayList<>();
        nativeHost.ownPreloads().forEach(c -> out.add("dispool created a preload of its own: " + c));
        out.addAll(misread);
        return out;
    }

    @Override
    public void restartDispool() {
        dispool.restartDispool();
    }

    /** qubesd restarts: its preloading state is lost and dispool's event stream breaks. */
    @Override
    public void restartQubesd() {
        qubesd.restartQubesd();
        host().dropEventStreams();
    }

    @Override
    public synchronized void suspend() {
        qubesd.suspend();
        dispool.suspend();
    }

    @Override
    public synchronized void resume() {
        qubesd.resume();
        dispool.resume();
    }

    @Override
    public void close() {
        dispool.close();
        qubesd.close();
    }
}
