package dispool.pool;

import dispool.host.Backoff;
import dispool.host.QubeInfo;
import dispool.host.QubesException;
import dispool.host.QubesHost;
import java.util.function.Supplier;

/**
 * Which qube a request names: the pool of a DVM template, or the global {@code default_dispvm}.
 * A name is checked before the host is asked, and a refusal says what to do.
 */
final class DvmTemplates {

    private final QubesHost host;
    private final SettingsReader reader;
    private final PreloadIndex index;
    private final Backoff backoff;

    DvmTemplates(QubesHost host, SettingsReader reader, PreloadIndex index, Backoff backoff) {
        this.host = host;
        this.reader = reader;
        this.index = index;
        this.backoff = backoff;
    }

    /** The pool of a DVM template; the name is checked first, then the host, with errors saying what to do. */
    Pool requireDvmTemplate(String template) {
        PreloadFeatures.validateQubeName("template", template);
        Pool known = index.pool(template);
        if (known != null && known.settings.dvmTemplate()) {
            return known;
        }
        if (template.equals(PreloadFeatures.DOM0)) { // refused by name: the host lists every qube when asked about dom0
            throw new DispoolException(DispoolException.Kind.CONFLICT, "dom0 (AdminVM) is not a DVM template: dom0's "
                    + "preload-dispvm-max is the global max (PUT /api/v1/settings, dispool set dom0 preload-dispvm-max N)",
                    "template", template, "a DVM template (template_for_dispvms=True)");
        }
        QubeInfo q = hostCall(() -> host.qube(template), "template", template);
        Pool pool = poolFor(template);
        if (!reader.refresh(pool).dvmTemplate()) {
            index.dropIfEmpty(pool);
            throw new DispoolException(DispoolException.Kind.CONFLICT, template + " (" + q.klass()
                    + ") is not a DVM template: template_for_dispvms is not True; make it one with: qvm-prefs "
                    + template + " template_for_dispvms True", "template", template, "template_for_dispvms=True");
        }
        return pool;
    }

    String defaultDispvm() {
        String t = host.globalProperty(PreloadFeatures.DEFAULT_DISPVM);
        if (t.isEmpty()) {
            throw new DispoolException(DispoolException.Kind.CONFLICT, "no default_dispvm is set: name a DVM template, "
                    + "or set one with: qubes-prefs default_dispvm NAME", "default_dispvm", "", "a DVM template");
        }
        return t;
    }

    /** The pool of a template, made empty when the engine has none yet. */
    Pool poolFor(String template) {
        return index.poolOrCreate(template, t -> new Pool(t, backoff, PoolSettings.none(0)));
    }

    static <T> T hostCall(Supplier<T> call, String field, String value) {
        try {
            return call.get();
        } catch (QubesException e) {
            if (e.is(QubesException.VM_NOT_FOUND)) {
                throw new DispoolException(DispoolException.Kind.NOT_FOUND, "no qube named '" + value + "' on this host ("
                        + e.getMessage() + ")", field, value, "an existing qube");
            }
            throw e;
        }
    }
}
