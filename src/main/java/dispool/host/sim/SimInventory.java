package dispool.host.sim;

import dispool.host.PowerState;
import java.util.Collection;
import java.util.List;

/** Fills a new simulated host with dom0, TemplateVMs and DVM templates, with Qubes' default properties. */
final class SimInventory {

    static final long PRIVATE_VOLUME_BYTES = 2L << 30;

    private SimInventory() {
    }

    static void populate(SimHost host, long dom0MiB, Collection<String> templateVms, List<SimHostBuilder.DvmTemplate> dvmTemplates) {
        SimQube dom0 = new SimQube("dom0", "AdminVM", PowerState.Running, 1.0);
        dom0.properties.put("memory", Long.toString(dom0MiB));
        host.addQube(dom0);
        for (String name : templateVms) {
            SimQube t = new SimQube(name, "TemplateVM", PowerState.Halted, 1.0);
            commonProperties(t, 400);
            t.properties.put("template_for_dispvms", "False");
            host.addQube(t);
        }
        for (SimHostBuilder.DvmTemplate d : dvmTemplates) {
            SimQube t = new SimQube(d.name(), "AppVM", PowerState.Halted, d.bootFactor());
            commonProperties(t, d.memoryMiB());
            t.properties.put("template", d.templateVm());
            t.properties.put("template_for_dispvms", "True");
            t.features.put("supported-rpc.qubes.WaitForRunningSystem", "1");
            t.features.put("qrexec", "1");
            host.addQube(t);
        }
    }

    /** Running qubes that provide network; each takes Qubes' default 400 MiB and has no netvm itself. */
    static void addNetVms(SimHost host, List<String> names) {
        for (String name : names) {
            SimQube n = new SimQube(name, "AppVM", PowerState.Running, 1.0);
            commonProperties(n, 400);
            n.properties.put("netvm", "");
            n.properties.put("provides_network", "True");
            n.properties.put("template_for_dispvms", "False");
            host.addQube(n);
        }
    }

    private static void commonProperties(SimQube q, long memoryMiB) {
        q.commonProperties(memoryMiB, 2, "sys-firewall");
        q.properties.put("maxmem", "4000");
        q.properties.put("kernel", "6.15.11-1.fc41");
        q.volumes.put("private", PRIVATE_VOLUME_BYTES);
        q.volumes.put("root", 20L << 30);
    }
}
