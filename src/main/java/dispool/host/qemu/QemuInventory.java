package dispool.host.qemu;

import dispool.host.PowerState;
import java.util.Map;

/**
 * Brings the inventory in line with the configuration: dom0, one TemplateVM per guest image and
 * the configured DVM templates. Their guest (kernel, initramfs, disk), memory and vCPUs follow the
 * configuration at every start; features (dom0's global knobs, a template's
 * {@code preload-dispvm-max}…) are set from it only when the qube is first created, after which
 * the persisted values, as changed through the API, win.
 */
final class QemuInventory {

    private QemuInventory() {
    }

    static void apply(QemuHost host, QemuSettings settings) {
        boolean fresh = !host.qubes.containsKey("dom0");
        if (fresh) {
            QemuQube dom0 = new QemuQube("dom0", "AdminVM");
            dom0.properties.put("memory", Long.toString(MemInfo.available() >> 20));
            dom0.features.putAll(settings.dom0Features());
            host.qubes.put("dom0", dom0);
            host.globals.put("default_dispvm", "");
            host.globals.put("default_qrexec_timeout", "60");
        }
        host.qubes.get("dom0").state = PowerState.Running;
        for (QemuSettings.Template t : settings.templates()) {
            templateVm(host, t);
            dvmTemplate(host, t);
        }
        if (fresh) {
            settings.defaultDispvm().ifPresent(d -> host.globals.put("default_dispvm", d));
        }
    }

    private static void templateVm(QemuHost host, QemuSettings.Template t) {
        QemuQube tpl = host.qubes.computeIfAbsent(t.templateVm(), n -> common(new QemuQube(n, "TemplateVM")));
        if (host.settings.templates().stream().filter(o -> o != t
                && o.templateVm().equals(t.templateVm()) && !o.kernel().equals(t.kernel())).findAny().isPresent()) {
            throw new IllegalArgumentException("DVM templates on TemplateVM " + t.templateVm() + " name different kernels: "
                    + "one guest image per TemplateVM (give " + t.name() + " its own dispool.qemu.templates." + t.name()
                    + ".template)");
        }
        tpl.properties.put("kernel", t.kernel().toString());
        tpl.properties.put("initramfs", t.initramfs().toString());
        tpl.properties.put("template_for_dispvms", "False");
    }

    private static void dvmTemplate(QemuHost host, QemuSettings.Template t) {
        QemuQube d = host.qubes.get(t.name());
        if (d == null) {
            d = common(new QemuQube(t.name(), "AppVM"));
            d.features.put("supported-rpc.qubes.WaitForRunningSystem", "1");
            d.features.put("qrexec", "1");
            d.features.putAll(t.features());
            host.qubes.put(t.name(), d);
        }
        Map<String, String> p = d.properties;
        p.put("template", t.templateVm());
        p.put("template_for_dispvms", "True");
        p.put("kernel", t.kernel().toString());
        p.put("initramfs", t.initramfs().toString());
        p.put("disk", t.disk().map(Object::toString).orElse(""));
        p.put("memory", Long.toString(t.memoryMiB()));
        p.put("vcpus", Integer.toString(t.vcpus()));
    }

    /** A guest of this host has no netvm; its memory and vCPUs follow the configuration. */
    private static QemuQube common(QemuQube q) {
        q.commonProperties(0, 1, "");
        return q;
    }
}
