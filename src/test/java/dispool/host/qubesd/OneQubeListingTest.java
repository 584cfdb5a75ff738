package dispool.host.qubesd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.host.QubeInfo;
import dispool.host.QubesException;
import dispool.host.qubesd.wire.AdminCall;
import dispool.host.qubesd.wire.Reply;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code admin.vm.List} aimed at one qube: qubesd lists every qube when the target is dom0, so
 * dom0's own line is picked from that listing; any other answer that lists more than the one qube
 * asked is an error that names none of the others.
 */
class OneQubeListingTest {

    private static final String INVENTORY = "dom0 class=AdminVM state=Running\nsecret-vault class=AppVM state=Halted\n"
            + "work class=AppVM state=Running\n";

    /** A qubesd that answers every admin.vm.List with the whole inventory, and records the calls. */
    private static final class ListsEverything implements Transport {
        final List<AdminCall> calls = new ArrayList<>();

        @Override
        public byte[] call(AdminCall call) {
            calls.add(call);
            return Reply.value(INVENTORY);
        }

        @Override
        public InputStream openStream(AdminCall call) {
            throw new UnsupportedOperationException("no events here");
        }

        @Override
        public String describe() {
            return "a qubesd that lists everything";
        }
    }

    private static QubesdHost host(Transport t) {
        return new QubesdHost(t, null, MemorySource.NONE, new EventStream.Backoff(Duration.ofMillis(20), Duration.ofMillis(200)));
    }

    @Test
    void dom0IsReadFromTheWholeListing() {
        QubeInfo dom0 = host(new ListsEverything()).qube("dom0");
        assertEquals("dom0", dom0.name());
        assertEquals("AdminVM", dom0.klass());
    }

    @Test
    void aListingOfMoreThanTheQubeAskedIsAnErrorThatNamesNoOtherQube() {
        QubesException e = assertThrows(QubesException.class, () -> host(new ListsEverything()).qube("work"));
        assertTrue(e.getMessage().contains("work") && e.getMessage().contains("3"), e.getMessage());
        assertFalse(e.getMessage().contains("secret-vault") || e.getMessage().contains("dom0 "), e.getMessage());
    }
}
