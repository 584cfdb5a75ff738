package dispool.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A Qubes world of fake qrexec tools (src/test/fake-qubes) in a temp dir: the app qubes "work"
 * (default_dispvm default-dvm), "personal" (web-dvm) and "nodvm" (none), the management qube
 * "dispool-mgmt" serving deploy/qubes-rpc/dispool.OpenInVM, dom0 answering the Admin API calls it
 * makes, dom0's policy (in the fake qrexec-client-vm) redirecting dispool.OpenInVM there and
 * letting an app qube into a disposable only when it is tagged for it, and disposables answering
 * qubes.OpenInVM and qubes.OpenURL. The log records every qrexec call as SOURCE TARGET SERVICE.
 */
final class FakeQubes {

    private final Path root;

    private FakeQubes(Path root) {
        this.root = root;
    }

    static FakeQubes create(Path dir) throws IOException {
        FakeQubes w = new FakeQubes(dir.resolve("qubes-world"));
        Path bin = Files.createDirectories(w.root.resolve("bin"));
        try (Stream<Path> fakes = Files.list(Path.of("src/test/fake-qubes"))) {
            for (Path f : fakes.toList()) {
                executable(Files.copy(f, bin.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING));
            }
        }
        Path mgmt = Files.createDirectories(w.root.resolve("qubes/dispool-mgmt"));
        executable(Files.copy(Path.of("deploy/qubes-rpc/dispool.OpenInVM"), mgmt.resolve("dispool.OpenInVM")));
        Path disp = Files.createDirectories(w.root.resolve("qubes/dispvm"));
        Files.copy(bin.resolve("vm-file-editor"), disp.resolve("qubes.OpenInVM"));
        Files.copy(bin.resolve("open-url"), disp.resolve("qubes.OpenURL"));
        Path dom0 = Files.createDirectories(w.root.resolve("qubes/dom0"));
        for (String admin : new String[] {"admin.vm.property.Get", "admin.vm.tag.Set"}) {
            Files.copy(bin.resolve(admin), dom0.resolve(admin));
        }
        Path prefs = Files.createDirectories(w.root.resolve("prefs"));
        Files.writeString(prefs.resolve("work"), "default-dvm\n");
        Files.writeString(prefs.resolve("personal"), "web-dvm\n");
        Files.writeString(prefs.resolve("nodvm"), "");
        Files.writeString(w.root.resolve("redirect"), "dispool.OpenInVM dispool-mgmt\n");
        for (String f : new String[] {"log", "opened", "tags"}) {
            Files.writeString(w.root.resolve(f), "");
        }
        return w;
    }

    private static Path executable(Path p) throws IOException {
        return Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    Path root() {
        return root;
    }

    /** A fake tool; qrexec-client-vm is a launcher that calls from the management qube into this world. */
    Path bin(String tool) throws IOException {
        if (!tool.equals("qrexec-client-vm")) {
            return root.resolve("bin").resolve(tool);
        }
        Path launcher = root.resolve("mgmt-qrexec-client-vm");
        Files.writeString(launcher, "#!/bin/sh\nFAKE_QUBES='" + root + "' FAKE_SELF=dispool-mgmt exec '"
                + root.resolve("bin/qrexec-client-vm") + "' \"$@\"\n");
        return executable(launcher);
    }

    /** The environment of the app qube "work" (and, inherited, of the services it calls). */
    Map<String, String> env() {
        return env("work");
    }

    /** The environment of an app qube (and, inherited, of the services it calls). */
    Map<String, String> env(String qube) {
        Map<String, String> env = new HashMap<>();
        env.put("FAKE_QUBES", root.toString());
        env.put("FAKE_SELF", qube);
        env.put("PATH", root.resolve("bin") + ":/usr/bin:/bin");
        return env;
    }

    /** The tags dom0 set, "QUBE TAG" a line. */
    String tags() throws IOException {
        return Files.readString(root.resolve("tags"));
    }

    void down(String qube) throws IOException {
        Files.writeString(root.resolve("down"), qube + "\n");
    }

    String log() throws IOException {
        return Files.readString(root.resolve("log"));
    }

    String opened() throws IOException {
        return Files.readString(root.resolve("opened"));
    }
}
