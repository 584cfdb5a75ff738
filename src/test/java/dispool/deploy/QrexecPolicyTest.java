package dispool.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The evaluator against qrexec policy v5's rules, each case as parser.py decides it. */
class QrexecPolicyTest {

    private static final Map<String, QrexecPolicy.Qube> SYSTEM = Map.of(
            "dom0", new QrexecPolicy.Qube("dom0", "AdminVM", Set.of(), false, null),
            "work", new QrexecPolicy.Qube("work", "AppVM", Set.of("t"), false, "web-dvm"),
            "web-dvm", new QrexecPolicy.Qube("web-dvm", "AppVM", Set.of("t"), true, null),
            "disp1", new QrexecPolicy.Qube("disp1", "DispVM", Set.of("t"), false, null));

    @TempDir
    Path dir;

    @BeforeEach
    void files() throws IOException {
        Files.writeString(dir.resolve("30-user.policy"), """
                svc.A  +x  work  web-dvm  deny
                """);
        Files.writeString(dir.resolve("50-app.policy"), """
                svc.A  *      work  @tag:t      allow
                svc.B  +      work  @type:DispVM  allow
                svc.C  *      work  @anyvm      allow
                svc.D  *      work  @adminvm    allow target=dom0
                svc.E  *      work  @default    allow target=web-dvm
                svc.F  *      work  @dispvm:web-dvm  allow
                svc.G  *      work  @dispvm:@tag:t   ask
                """);
        Files.writeString(dir.resolve(".hidden.policy"), "* * @anyvm @anyvm allow\n");
        Files.writeString(dir.resolve("60-not-a-policy.txt"), "* * @anyvm @anyvm allow\n");
    }

    private QrexecPolicy.Decision eval(String service, String arg, String target) throws IOException {
        return QrexecPolicy.load(dir).evaluate(new QrexecPolicy.Request(service, arg, "work", target), SYSTEM);
    }

    @Test
    void earlierFilesWinAndArgumentsMatchExactly() throws IOException {
        assertEquals(QrexecPolicy.Verdict.DENY, eval("svc.A", "+x", "web-dvm").verdict());
        assertEquals("30-user.policy:1", eval("svc.A", "+x", "web-dvm").rule());
        assertEquals(QrexecPolicy.Verdict.ALLOW, eval("svc.A", "+y", "web-dvm").verdict());
        assertEquals(QrexecPolicy.Verdict.ALLOW, eval("svc.B", "+", "disp1").verdict());
        assertEquals(QrexecPolicy.Verdict.DENY, eval("svc.B", "+y", "disp1").verdict(), "+ is only the empty argument");
        assertEquals(QrexecPolicy.Verdict.DENY, eval("svc.B", "+", "web-dvm").verdict(), "@type:DispVM is not an AppVM");
    }

    @Test
    void dom0AnyvmAndMissingTargets() throws IOException {
        assertEquals(QrexecPolicy.Verdict.DENY, eval("svc.C", "+", "dom0").verdict(), "@anyvm never matches dom0");
        assertEquals(QrexecPolicy.Verdict.ALLOW, eval("svc.D", "+", "dom0").verdict());
        assertEquals("dom0", eval("svc.D", "+", "@adminvm").resolvedTarget());
        assertEquals(QrexecPolicy.Verdict.DENY, eval("svc.C", "+", "gone").verdict(),
                "a qube that does not exist is @default, which @anyvm matches but allow has no target for");
        assertEquals("web-dvm", eval("svc.E", "+", "gone").resolvedTarget());
        assertEquals(QrexecPolicy.Verdict.DENY, eval("svc.A", "+y", "gone").verdict(), "@tag never matches @default");
    }

    @Test
    void dispvmTokens() throws IOException {
        assertEquals(QrexecPolicy.Verdict.ALLOW, eval("svc.F", "+", "@dispvm:web-dvm").verdict());
        assertEquals(QrexecPolicy.Verdict.ALLOW, eval("svc.F", "+", "@dispvm").verdict(), "@dispvm is the caller's default_dispvm");
        assertEquals(QrexecPolicy.Verdict.DENY, eval("svc.F", "+", "@dispvm:work").verdict(), "work is no DVM template");
        assertEquals(QrexecPolicy.Verdict.ASK, eval("svc.G", "+", "@dispvm:web-dvm").verdict());
        assertEquals(QrexecPolicy.Verdict.DENY, eval("svc.Z", "+", "web-dvm").verdict(), "no rule: deny; hidden and non-.policy files ignored");
    }
}
