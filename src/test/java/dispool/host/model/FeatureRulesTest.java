package dispool.host.model;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.host.QubesException;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The one validator of the host models against qubesd R4.3's handlers (release4.3 branch). */
class FeatureRulesTest {

    private static final class Q extends ModelQube {
        Q(String name, String klass) {
            super(name, klass);
        }
    }

    private final Q dom0 = new Q("dom0", "AdminVM");
    private final Q fedora = new Q("fedora-42-xfce", "TemplateVM");
    private final Q web = new Q("web-dvm", "AppVM");
    private final Map<String, ModelQube> byName = Map.of("dom0", dom0, "fedora-42-xfce", fedora, "web-dvm", web);

    FeatureRulesTest() {
        web.properties.put("template", "fedora-42-xfce");
        web.properties.put("template_for_dispvms", "True");
        fedora.features.put("qrexec", "1");
        fedora.features.put("supported-rpc.qubes.WaitForRunningSystem", "1");
    }

    private void set(ModelQube q, String feature, String value) {
        FeatureRules.check(q, feature, value, byName::get, "web-dvm");
    }

    private String refusal(ModelQube q, String feature, String value) {
        return assertThrows(QubesException.class, () -> set(q, feature, value)).getMessage();
    }

    @ParameterizedTest
    @ValueSource(strings = {"5", "1e3", " 5 ", "-2.5", ".5", "5.", "1_000", "inf", "-Infinity", "nan", ""})
    void aDelayIsWhatPythonsFloatTakes(String delay) {
        assertDoesNotThrow(() -> set(web, FeatureRules.DELAY, delay));
        assertDoesNotThrow(() -> set(dom0, FeatureRules.DELAY, delay));
    }

    @ParameterizedTest
    @ValueSource(strings = {"5d", "5f", "0x1p3", "1__0", "_1", "1_", "e3", "five", "--1"})
    void aDelayPythonsFloatRefusesIsRefused(String delay) {
        assertEquals("Invalid preload-dispvm-delay value: not an integer or float", refusal(web, FeatureRules.DELAY, delay));
    }

    @Test
    void anUnchangedDelayIsNotCheckedAgainAsInQubesd() {
        web.features.put(FeatureRules.DELAY, "5d"); // written before qubesd checked it
        assertDoesNotThrow(() -> set(web, FeatureRules.DELAY, "5d"));
    }

    @Test
    void pythonFloatGivesPythonsValues() {
        assertEquals(OptionalDouble.of(1000), PythonFloat.parse(" 1e3 "));
        assertEquals(OptionalDouble.of(1000), PythonFloat.parse("1_000"));
        assertEquals(Double.NEGATIVE_INFINITY, PythonFloat.parse("-inf").getAsDouble());
        assertTrue(Double.isNaN(PythonFloat.parse("NaN").getAsDouble()));
        assertTrue(PythonFloat.parse("5d").isEmpty());
    }

    @Test
    void aMaxNeedsQrexecAndTheReadinessRpcThroughTheTemplateChain() {
        assertDoesNotThrow(() -> set(web, FeatureRules.MAX, "2"));
        fedora.features.put("qrexec", "");
        assertEquals("Qube does not support qrexec", refusal(web, FeatureRules.MAX, "2"));
        fedora.features.put("qrexec", "1");
        web.features.put("supported-rpc.qubes.WaitForRunningSystem", "");
        assertEquals("Qube does not support the RPC 'qubes.WaitForRunningSystem'", refusal(web, FeatureRules.MAX, "2"));
    }

    @Test
    void maxAndThresholdAreDigitsOnly() {
        assertEquals("Invalid preload-dispvm-max value: not a digit", refusal(web, FeatureRules.MAX, "-1"));
        assertEquals("Invalid preload-dispvm-threshold value: not a digit", refusal(dom0, FeatureRules.THRESHOLD, "1.5"));
        assertDoesNotThrow(() -> set(dom0, FeatureRules.THRESHOLD, ""));
    }

    @Test
    void dom0sMaxIsCheckedAsTheDefaultDispvmsAndNotAtAllWithoutOne() {
        web.features.put("qrexec", "");
        assertEquals("Qube does not support qrexec", refusal(dom0, FeatureRules.MAX, "2"));
        assertDoesNotThrow(() -> FeatureRules.check(dom0, FeatureRules.MAX, "x", byName::get, ""));
    }

    @Test
    void namesAndValuesFollowTheAdminApi() {
        assertEquals("Invalid feature name: a b", refusal(web, "a b", "1"));
        assertEquals("Feature value must be printable ASCII", refusal(web, "x", "tab\there"));
    }
}
