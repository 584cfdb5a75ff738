package dispool.host.qubesd.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.host.HostEvent;
import dispool.host.PowerState;
import dispool.host.QubeInfo;
import dispool.host.QubesException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every test vector of the reference (qubes-admin-api.md §9), plus the framing rules of §1–§3. */
class CodecVectorsTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String ok(String reply) {
        return Reply.decode(b(reply), "test call");
    }

    private static QubesException error(String reply) {
        return assertThrows(QubesException.class, () -> ok(reply));
    }

    @Test
    void vectors1And2ListQubes() {
        assertEquals(List.of(new QubeInfo("test-vm", "AppVM", PowerState.Running)),
                Values.qubeList(ok("0\0test-vm class=AppVM state=Running\n")));
        assertEquals(List.of(new QubeInfo("test-vm", "AppVM", PowerState.Running), new QubeInfo("test-vm2", "AppVM", PowerState.Running)),
                Values.qubeList(ok("0\0test-vm class=AppVM state=Running\ntest-vm2 class=AppVM state=Running\n")));
    }

    @Test
    void vectors3To5Exceptions() {
        QubesException e3 = error("2\0QubesException\0\0An error occurred\0");
        assertEquals("QubesException", e3.type());
        assertEquals("An error occurred", e3.getMessage());
        assertEquals("An error occurred: 1, 2", error("2\0QubesException\0\0An error occurred: %d, %d\0" + "1\0" + "2\0").getMessage());
        QubesException e5 = error("");
        assertEquals(Reply.NO_RESPONSE, e5.type());
        assertTrue(e5.getMessage().contains("qubesd refused or dropped the call test call"), e5.getMessage());
    }

    @Test
    void vectors6To8And20And25And27Properties() {
        assertEquals(new Values.Property(false, "int", "123"), Values.property(ok("0\0default=False type=int 123")));
        assertEquals(new Values.Property(false, "vm", ""), Values.property(ok("0\0default=False type=vm ")));
        assertEquals(new Values.Property(true, "str", "value"), Values.property(ok("0\0default=True type=str value")));
        assertEquals("30", Values.property(ok("0\0default=yes type=int 30")).value());
        assertFalse(Values.property(ok("0\0default=yes type=int 30")).isDefault(), "only True means default");
        assertEquals("True", Values.property(ok("0\0default=False type=bool True")).value());
        assertEquals("red", Values.property(ok("0\0default=False type=label red")).value());
    }

    @Test
    void vectors9And16And25NotFound() {
        QubesException e9 = error("2\0QubesNoSuchPropertyError\0\0Invalid property 'invalid' on test-vm\0");
        assertEquals(QubesException.NO_SUCH_PROPERTY, e9.type());
        assertEquals("Invalid property 'invalid' on test-vm", e9.getMessage());
        assertEquals("QubesFeatureNotFoundError", error("2\0QubesFeatureNotFoundError\0\0feature1\0").type());
        assertEquals("Invalid property", error("2\0QubesNoSuchPropertyError\0\0Invalid property\0").getMessage());
    }

    @Test
    void vectors10To11And17And21And22EmptySuccess() {
        assertEquals("", ok("0\0"));
    }

    @Test
    void vector12GetAllUnescapes() {
        Map<String, String> all = Values.allProperties(ok("0\0name default=False type=str test-vm\ndebug default=True type=bool False\n"
                + "backup_timestamp default=True type=int \nkernelopts default=False type=str opt1\\nopt2\\nopt3\\\\opt4\n"));
        assertEquals("test-vm", all.get("name"));
        assertEquals("False", all.get("debug"));
        assertEquals("", all.get("backup_timestamp"));
        assertEquals("opt1\nopt2\nopt3\\opt4", all.get("kernelopts"));
    }

    @Test
    void vectors13To15And18And19Values() {
        assertEquals("type=int 42", ok("0\0type=int 42"));
        assertEquals(List.of("feature1", "feature2"), List.of(ok("0\0feature1\nfeature2\n").split("\n")));
        assertEquals("value1", ok("0\0value1"));
        assertEquals("Windows", ok("0\0Windows"));
        assertEquals("disp123", ok("0\0disp123"));
    }

    @Test
    void vectors23And26CurrentState() {
        assertEquals("Running", Values.words(ok("0\0power_state=Running"), "state").get("power_state"));
        assertEquals("Halted", Values.words(ok("0\0mem=0 mem_static_max=0 cputime=0 power_state=Halted"), "state").get("power_state"));
    }

    @Test
    void vector24VolumeInfo() {
        Map<String, String> info = Values.keyValueLines(ok("0\0pool=test-pool\nvid=some-id\nsize=1024\nusage=512\nrw=True\n"
                + "snap_on_start=True\nsave_on_stop=True\nsource=\nrevisions_to_keep=3\n"), "volume");
        assertEquals("1024", info.get("size"));
        assertEquals("", info.get("source"));
    }

    @Test
    void requestVectors() {
        assertArrayEquals(b("some.method+arg1 dom0 name test-vm\0payload"),
                new AdminCall("some.method", "arg1", "dom0", "test-vm", b("payload")).encode());
        assertArrayEquals(b("admin.Events+ dom0 name dom0\0"), AdminCall.of("admin.Events", "", "dom0", "").encode());
        assertArrayEquals(b("admin.vm.Start+ dom0 name some-vm\0"), AdminCall.of("admin.vm.Start", "", "some-vm", "").encode());
    }

    @Test
    void serverReadsRequestsAsQubesdDoes() {
        AdminCall c = AdminCall.decode(b("mgmt.success+arg src keyword adminvm\0payload"));
        assertEquals(new AdminCall("mgmt.success", "arg", "src", "dom0", b("payload")), c);
        assertEquals("force+wait", AdminCall.decode(b("admin.vm.Shutdown+force+wait dom0 name vm1\0")).arg());
        assertEquals("", AdminCall.decode(b("admin.vm.Start dom0 name vm1\0")).arg());
        assertArrayEquals(b("a\0b"), AdminCall.decode(b("x.y+ dom0 name vm1\0a\0b")).payload());
        assertThrows(WireException.class, () -> AdminCall.decode(b("admin.vm.Start+ dom0 name")));
        assertThrows(WireException.class, () -> AdminCall.decode(b("admin.vm.Start+ dom0 name\0")));
        assertThrows(WireException.class, () -> AdminCall.decode(b("admin.vm.Start+ dom0 uuid vm1\0")));
        assertThrows(WireException.class, () -> AdminCall.decode(new byte[AdminCall.MAX_REQUEST_BYTES + 1]));
    }

    @Test
    void serverRepliesAsQubesdDoes() {
        assertArrayEquals(b("0\0"), Reply.value(""));
        assertArrayEquals(b("2\0QubesException\0\0qubes-exception\0"), Reply.exception("QubesException", "qubes-exception"));
    }

    @Test
    void eventVectors() {
        EventFrameParser p = new EventFrameParser();
        byte[] stream = b("1\0\0some-event\0arg1\0value1\0\0" + "1\0some-vm\0some-event\0arg_without_value\0\0arg2\0value\0\0"
                + "1\0some-vm\0other-event\0\0");
        List<HostEvent> got = p.feed(stream, 0, stream.length);
        assertEquals(List.of(HostEvent.of("", "some-event", "arg1", "value1"),
                HostEvent.of("some-vm", "some-event", "arg_without_value", "", "arg2", "value"),
                HostEvent.of("some-vm", "other-event")), got);
        assertFalse(p.midFrame());
        assertArrayEquals(b("1\0disp42\0domain-start\0start_guid\0True\0\0"),
                EventFrameParser.encode(HostEvent.of("disp42", "domain-start", "start_guid", "True")));
    }

    @Test
    void eventsSplitAcrossReadsAreJoined() {
        EventFrameParser p = new EventFrameParser();
        byte[] frame = b("1\0\0connection-established\0\0");
        for (int i = 0; i < frame.length - 1; i++) {
            assertEquals(List.of(), p.feed(frame, i, 1));
        }
        assertTrue(p.midFrame());
        assertEquals(List.of(HostEvent.of("", "connection-established")), p.feed(frame, frame.length - 1, 1));
    }

    @Test
    void badRepliesGiveClearErrors() {
        assertEquals(WireException.TYPE, error("0").type());
        assertTrue(error("0value").getMessage().contains("must start with a digit and NUL"));
        assertTrue(error("2\0QubesException\0\0cut mid-mess").getMessage().contains("truncated exception"));
        assertTrue(error("7\0what").getMessage().contains("unknown reply type '7'"));
        assertTrue(error("2\0not a type!\0\0m\0").getMessage().contains("not a name"));
        QubesException unknown = error("2\0QubesSomethingNewError\0\0new in R5.0\0");
        assertEquals("QubesSomethingNewError", unknown.type(), "an unknown Qubes type keeps its name");
        assertEquals("new in R5.0", unknown.getMessage());
        assertTrue(error("0\0\u00ff\u00fe").getMessage().contains("not UTF-8"));
        assertEquals("100% sure", error("2\0QubesException\0\0" + "100% sure\0").getMessage(), "no args: no formatting");
    }

    @Test
    void requestsAreCheckedBeforeTheyGoOnTheWire() {
        assertThrows(QubesException.class, () -> AdminCall.of("admin.vm.Start", "", "Domain-0", ""));
        assertThrows(QubesException.class, () -> AdminCall.of("admin.vm.Start", "", "sys-net-dm", ""));
        assertThrows(QubesException.class, () -> AdminCall.of("admin.vm.Start", "", "a b", ""));
        assertThrows(QubesException.class, () -> AdminCall.of("admin.vm.feature.Get", "x y", "vm1", ""));
        assertThrows(QubesException.class, () -> AdminCall.of("admin vm", "", "vm1", ""));
        QubesException big = assertThrows(QubesException.class,
                () -> AdminCall.of("admin.vm.feature.Set", "x", "vm1", "v".repeat(AdminCall.MAX_REQUEST_BYTES)).encode());
        assertTrue(big.getMessage().contains("at most 65536 bytes"), big.getMessage());
    }

    @Test
    void aBrokenEventStreamIsRefused() {
        byte[] junk = b("0\0disp1\0domain-start\0\0");
        assertThrows(WireException.class, () -> new EventFrameParser().feed(junk, 0, junk.length));
        byte[] noName = b("1\0disp1\0\0\0");
        assertThrows(WireException.class, () -> new EventFrameParser().feed(noName, 0, noName.length));
    }
}
