package dispool.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packages as a user gets them: {@code deploy/package/build.sh} builds them from the packaged
 * app (rpmlint and lintian must pass inside it), then each is installed into a scratch root
 * ({@code rpm --root … --nodeps --noscripts}, {@code dpkg --root … --force-depends}): files,
 * owners and modes; an upgrade that keeps the API token, the history and an edited setting; an
 * erase that leaves nothing the package added but that state. Skipped, saying why, where the
 * tools or the packaged app are missing.
 */
class PackagesIT {

    private static final Path OUT = Path.of("target/packages");
    /** The dom0 unit's user and group in the scratch root's /etc/passwd and /etc/group. */
    private static final int DISPOOL_UID = 990;
    private static final int QUBES_GID = 991;

    @TempDir
    Path scratch;

    @BeforeAll
    static void build() throws IOException, InterruptedException {
        for (String tool : List.of("rpmbuild", "rpm", "dpkg-deb", "dpkg", "asciidoctor")) {
            Assumptions.assumeTrue(onPath(tool), tool + " is not installed (Debian: apt-get install rpm rpmlint lintian asciidoctor)");
        }
        Assumptions.assumeTrue(Files.exists(Path.of("target/quarkus-app/quarkus-run.jar")), "no packaged app: run mvn package first");
        String out = run(List.of("deploy/package/build.sh"), 600);
        System.out.println(out);
    }

    private static boolean onPath(String tool) {
        return Stream.of(System.getenv("PATH").split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }

    private static String run(List<String> cmd, int seconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(seconds, TimeUnit.SECONDS), cmd + " did not finish");
        assertEquals(0, p.exitValue(), cmd + " failed:\n" + out);
        return out;
    }

    private static Path only(String glob) throws IOException {
        try (var files = Files.newDirectoryStream(OUT, glob)) {
            List<Path> found = new ArrayList<>();
            files.forEach(found::add);
            assertEquals(1, found.size(), glob + ": " + found);
            return found.get(0);
        }
    }

    /** A root with the users the packages name, and an rpm database. */
    private Path rpmRoot() throws IOException, InterruptedException {
        Path root = scratch.resolve("root");
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n"
                + "dispool:x:" + DISPOOL_UID + ":" + QUBES_GID + "::/var/lib/dispool:/sbin/nologin\n");
        Files.writeString(root.resolve("etc/group"), "root:x:0:\nqubes:x:" + QUBES_GID + ":dispool\n");
        rpm(root, "--initdb");
        return root;
    }

    private static String rpm(Path root, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("rpm", "--root", root.toAbsolutePath().toString(), "--dbpath", "/var/lib/rpm"));
        cmd.addAll(List.of(args));
        return run(cmd, 120);
    }

    /** The paths a package owns, as rpm lists them (the directories the distribution owns are not among them). */
    private static List<String> owned(Path root, String rpmFile) throws IOException, InterruptedException {
        return rpm(root, "-qlp", rpmFile).lines().filter(l -> l.startsWith("/")).toList();
    }

    /** After an erase: none of the package's paths is left but {@code kept}; and nothing else came. */
    private static void assertErased(Path root, List<String> owned, Set<String> kept) {
        List<String> left = owned.stream().filter(p -> Files.exists(root.resolve(p.substring(1)))).toList();
        assertEquals(new TreeSet<>(kept), new TreeSet<>(left), "erase removes every path the package installed but these");
    }

    private static Set<String> tree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.map(p -> "/" + root.relativize(p)).filter(p -> !p.startsWith("/var/lib/rpm") && !p.startsWith("/var/lib/dpkg"))
                    .collect(TreeSet::new, Set::add, Set::addAll);
        }
    }

    private static void assertFile(Path root, String path, String mode, int uid, int gid) throws IOException {
        Path f = root.resolve(path.substring(1));
        assertTrue(Files.exists(f), path + " is not installed");
        assertEquals(mode, PosixFilePermissions.toString(Files.getPosixFilePermissions(f)), path + " mode");
        assertEquals(uid, (int) Files.getAttribute(f, "unix:uid"), path + " owner");
        assertEquals(gid, (int) Files.getAttribute(f, "unix:gid"), path + " group");
    }

    @Test
    void theServicePackageInstallsUpgradesKeepingStateAndErasesClean() throws IOException, InterruptedException {
        Path rpm = only("dispool-0*.noarch.rpm");
        Path root = rpmRoot();
        List<String> owned = owned(root, rpm.toString());
        rpm(root, "--nodeps", "--noscripts", "-i", rpm.toString());
        assertFile(root, "/usr/bin/dispool", "rwxr-xr-x", 0, 0);
        assertFile(root, "/usr/share/dispool/bin/dispool", "rwxr-xr-x", 0, 0);
        assertFile(root, "/usr/share/dispool/quarkus-app/quarkus-run.jar", "rw-r--r--", 0, 0);
        assertFile(root, "/usr/lib/systemd/system/dispool.service", "rw-r--r--", 0, 0);
        assertFile(root, "/usr/lib/systemd/system/dispool-mgmt.service", "rw-r--r--", 0, 0);
        assertFile(root, "/usr/lib/systemd/system-sleep/dispool-sleep", "rwxr-xr-x", 0, 0);
        assertFile(root, "/usr/lib/sysusers.d/dispool.conf", "rw-r--r--", 0, 0);
        assertFile(root, "/usr/lib/tmpfiles.d/dispool.conf", "rw-r--r--", 0, 0);
        assertFile(root, "/etc/dispool/application.properties", "rw-r--r--", 0, 0);
        assertFile(root, "/etc/qubes-rpc/dispool.OpenInVM", "rwxr-xr-x", 0, 0);
        assertFile(root, "/etc/qubes-bind-dirs.d/50_dispool.conf", "rw-r--r--", 0, 0);
        assertFile(root, "/usr/share/bash-completion/completions/dispool", "rw-r--r--", 0, 0);
        assertFile(root, "/usr/share/man/man1/dispool.1.gz", "rw-r--r--", 0, 0);
        assertFile(root, "/usr/share/man/man1/dispool-ls.1.gz", "rw-r--r--", 0, 0);
        assertFile(root, "/usr/share/doc/dispool/install.md", "rw-r--r--", 0, 0);
        assertFile(root, "/var/lib/dispool", "rwx------", DISPOOL_UID, QUBES_GID);
        assertFalse(Files.exists(root.resolve("etc/qubes/policy.d")), "the policy is dispool-policy's, for dom0 only");
        String wrapper = Files.readString(root.resolve("usr/bin/dispool"));
        assertTrue(wrapper.contains("DISPOOL_HOME=${DISPOOL_HOME:-/usr/share/dispool/quarkus-app}"), wrapper);
        assertEquals(Files.readString(Path.of("deploy/dispool")), Files.readString(root.resolve("usr/share/dispool/bin/dispool")),
                "deploy/dispool is packaged as it is");

        // state the service wrote, and a setting the user edited
        Path token = root.resolve("var/lib/dispool/api-token");
        Path history = root.resolve("var/lib/dispool/history.jsonl");
        Files.writeString(token, "t".repeat(43) + "\n");
        Files.writeString(history, "{\"template\":\"web-dvm\"}\n");
        Path settings = root.resolve("etc/dispool/application.properties");
        Files.writeString(settings, Files.readString(settings) + "dispool.engine.policy=adaptive\n");

        rpm(root, "--nodeps", "--noscripts", "-U", nextVersion(rpm).toString());
        assertEquals("t".repeat(43) + "\n", Files.readString(token), "the upgrade keeps the API token");
        assertEquals("{\"template\":\"web-dvm\"}\n", Files.readString(history), "the upgrade keeps the history");
        assertTrue(Files.readString(settings).contains("dispool.engine.policy=adaptive"), "the upgrade keeps the edited settings");
        assertFile(root, "/var/lib/dispool", "rwx------", DISPOOL_UID, QUBES_GID);

        rpm(root, "--nodeps", "--noscripts", "-e", "dispool");
        // the state directory is not empty, and the edited settings are kept aside as rpm does
        assertErased(root, owned, Set.of("/var/lib/dispool", "/etc/dispool"));
        assertTrue(Files.exists(token) && Files.exists(history), "erase leaves the service's state");
        assertEquals(Set.of("/etc/dispool/application.properties.rpmsave"), tree(root).stream()
                .filter(p -> p.startsWith("/etc/dispool/")).collect(TreeSet::new, Set::add, Set::addAll));
    }

    /** The same package one release later, built from build.sh's staged tree. */
    private Path nextVersion(Path rpm) throws IOException, InterruptedException {
        String version = rpm.getFileName().toString().replaceFirst("^dispool-(.*)-1\\.noarch\\.rpm$", "$1");
        Path top = scratch.resolve("rpmbuild");
        run(List.of("rpmbuild", "-bb", "--quiet", "--define", "_topdir " + top.toAbsolutePath(),
                "--define", "stage " + OUT.resolve("stage/dispool").toAbsolutePath(), "--define", "pkg_version " + version + ".1",
                "--define", "__brp_compress %{nil}", "--define", "__brp_mangle_shebangs %{nil}", "deploy/package/dispool.spec"), 300);
        try (Stream<Path> s = Files.walk(top.resolve("RPMS"))) {
            return s.filter(p -> p.toString().endsWith(".rpm")).findFirst().orElseThrow();
        }
    }

    /** What a test checks in a root after install. */
    private interface Installed {
        void check(Path root) throws IOException;
    }

    /** Installs the one rpm matching {@code glob} in a scratch root, checks it, erases it: nothing of it is left. */
    private void installCheckErase(String glob, String name, Installed check) throws IOException, InterruptedException {
        Path root = rpmRoot();
        Path rpm = only(glob);
        List<String> owned = owned(root, rpm.toString());
        rpm(root, "--nodeps", "--noscripts", "-i", rpm.toString());
        check.check(root);
        rpm(root, "--nodeps", "--noscripts", "-e", name);
        assertErased(root, owned, Set.of());
    }

    @Test
    void thePolicyPackageHoldsTheShippedPolicyFiles() throws IOException, InterruptedException {
        installCheckErase("dispool-policy-*.noarch.rpm", "dispool-policy", root -> {
            for (String f : List.of("50-dispool-admin.policy", "50-dispool-open.policy")) {
                assertFile(root, "/etc/qubes/policy.d/" + f, "rw-r--r--", 0, 0);
                assertEquals(Files.readString(Path.of("deploy/qubes-policy", f)), Files.readString(root.resolve("etc/qubes/policy.d/" + f)));
            }
        });
    }

    @Test
    void theAppQubeRpmAndDebInstallTheSameFilesAndEraseClean() throws IOException, InterruptedException {
        installCheckErase("dispool-app-qube-*.noarch.rpm", "dispool-app-qube", PackagesIT::checkAppQube);

        Path deb = scratch.resolve("deb");
        Files.createDirectories(deb.resolve("var/lib/dpkg/info"));
        Files.createDirectories(deb.resolve("var/lib/dpkg/updates"));
        Files.writeString(deb.resolve("var/lib/dpkg/status"), "");
        Set<String> debBefore = tree(deb);
        String dpkgRoot = "--root=" + deb.toAbsolutePath();
        run(List.of("dpkg", dpkgRoot, "--log=/dev/null", "--force-depends", "-i", only("dispool-app-qube_*_all.deb").toString()), 120);
        checkAppQube(deb);
        assertFile(deb, "/usr/share/doc/dispool-app-qube/copyright", "rw-r--r--", 0, 0);
        // dpkg lists the directories it created too; those the system's packages would own go with the last file
        List<String> debOwned = run(List.of("dpkg", dpkgRoot, "-L", "dispool-app-qube"), 60).lines()
                .filter(l -> l.startsWith("/") && !l.equals("/.")).toList();
        run(List.of("dpkg", dpkgRoot, "--log=/dev/null", "--purge", "dispool-app-qube"), 120);
        assertErased(deb, debOwned, Set.of());
        assertEquals(debBefore, tree(deb), "purge removes everything install added");
    }

    private static void checkAppQube(Path root) throws IOException {
        assertFile(root, "/usr/bin/dispool-open-in-dvm", "rwxr-xr-x", 0, 0);
        assertFile(root, "/usr/lib/dispool/dispool-open-stream", "rwxr-xr-x", 0, 0);
        assertFile(root, "/usr/share/applications/dispool-open-in-dvm.desktop", "rw-r--r--", 0, 0);
        assertFile(root, "/usr/share/applications/dispool-view-in-dvm.desktop", "rw-r--r--", 0, 0);
        assertEquals(Files.readString(Path.of("deploy/app-qube/dispool-open-in-dvm")),
                Files.readString(root.resolve("usr/bin/dispool-open-in-dvm")), "deploy/app-qube is packaged as it is");
    }
}
