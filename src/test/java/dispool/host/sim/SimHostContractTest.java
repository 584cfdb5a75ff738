package dispool.host.sim;

import dispool.host.Clock;
import dispool.host.QubesHost;
import dispool.host.QubesHostContract;
import org.junit.jupiter.api.BeforeEach;

/** The contract on the simulator, 1000× faster than real time. */
class SimHostContractTest extends QubesHostContract {

    private SimHost host;

    @BeforeEach
    void newHost() {
        host = SimHost.builder().clock(Clock.scaled(1000)).seed(3).templateVm(TPL).dvmTemplate(DVM, 400, TPL, 1.0)
                .defaultDispvm(DVM).build();
    }

    @Override
    protected QubesHost host() {
        return host;
    }

    @Override
    protected void updateTemplate(String qube) {
        host.updateTemplate(qube);
    }
}
