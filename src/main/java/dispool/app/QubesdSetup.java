package dispool.app;

import dispool.emulator.EmulatorServices;
import dispool.host.qubesd.EventStream;
import dispool.host.qubesd.MemoryBudget;
import dispool.host.qubesd.MemorySource;
import dispool.host.qubesd.ModeDetection;
import dispool.host.qubesd.QmemmanFile;
import dispool.host.qubesd.QrexecServices;
import dispool.host.qubesd.QrexecTransport;
import dispool.host.qubesd.QubesdHost;
import dispool.host.qubesd.QubesdMode;
import dispool.host.qubesd.ServiceRunner;
import dispool.host.qubesd.SocketTransport;
import dispool.host.qubesd.Transport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.jboss.logging.Logger;

/** Builds the qubesd host from {@code dispool.qubes.*} and decides the preload mode. */
final class QubesdSetup {

    private static final Logger LOG = Logger.getLogger(QubesdSetup.class);

    private QubesdSetup() {
    }

    static QubesdHost host(DispoolConfig.Qubes c) {
        Transport transport = switch (c.transport()) {
            case socket -> new SocketTransport(Path.of(c.socket()), c.callTimeout());
            case qrexec -> new QrexecTransport(c.qrexecClientVm(), c.callTimeout());
        };
        QubesdHost host = new QubesdHost(transport, services(c, transport), memory(c),
                new EventStream.Backoff(c.eventsReconnectInitial(), c.eventsReconnectMax()), Path.of(c.creationsFile()));
        LOG.infof("qubesd host through %s; available memory from %s", transport.describe(), host.availableMemorySource());
        return host;
    }

    private static ServiceRunner services(DispoolConfig.Qubes c, Transport transport) {
        if (c.services() == DispoolConfig.ServicesKind.emulator) {
            LOG.infof("readiness services run through dispool's qubesd emulator at %s (dispool.qubes.services=emulator)",
                    transport.describe());
            return new EmulatorServices(transport);
        }
        return switch (c.transport()) {
            case socket -> QrexecServices.fromDom0(c.qrexecClient());
            case qrexec -> QrexecServices.fromManagementQube(c.qrexecClientVm());
        };
    }

    /** qmemman's file, watched even before it exists; a budget (or nothing) while it does not. */
    private static MemorySource memory(DispoolConfig.Qubes c) {
        OptionalLong budget = c.memoryBudgetMib();
        MemorySource fallback = budget.isPresent() ? new MemoryBudget(budget.getAsLong()) : MemorySource.NONE;
        try {
            QmemmanFile file = QmemmanFile.watch(Path.of(c.qmemmanFile()), fallback);
            return file != null ? file : fallback;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot watch " + c.qmemmanFile() + " (dispool.qubes.qmemman-file)", e);
        }
    }

    /** The configured mode, or the detected one when {@code auto}; logged with its reason. */
    static QubesdMode mode(DispoolConfig.Qubes c, QubesdHost host) {
        if (c.mode() != QubesdMode.AUTO) {
            LOG.infof("preload mode %s (dispool.qubes.mode)", c.mode());
            return c.mode();
        }
        ModeDetection.Result r = ModeDetection.detect(host);
        LOG.infof("preload mode %s, detected: %s", r.mode(), r.reason());
        return r.mode();
    }
}
