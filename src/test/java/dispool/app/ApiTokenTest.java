package dispool.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The token file is made private, and a file anyone else could have read or written is refused. */
class ApiTokenTest {

    private static final String GOOD = "k".repeat(43);

    @TempDir
    Path dir;

    private Path file(String content, String mode) throws IOException {
        Path f = dir.resolve("api-token");
        Files.writeString(f, content + "\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
        return f;
    }

    private static String refusal(Path f) {
        return assertThrows(IllegalStateException.class, () -> ApiToken.load(f)).getMessage();
    }

    @Test
    void aMissingFileIsMadePrivateWithALongToken() throws IOException {
        Path f = dir.resolve("sub").resolve("api-token");
        ApiToken t = ApiToken.load(f);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f.getParent())));
        assertTrue(t.matches(Files.readString(f).trim()));
        assertTrue(Files.readString(f).trim().length() >= ApiToken.MIN_LENGTH);
    }

    @Test
    void aPrivateFileOfTheServiceUserIsRead() throws IOException {
        assertTrue(ApiToken.load(file(GOOD, "rw-------")).matches(GOOD));
    }

    @Test
    void groupOrWorldAccessIsRefusedWithTheFix() throws IOException {
        for (String mode : new String[] {"rw-r-----", "rw----r--", "rw--w----"}) {
            String m = refusal(file(GOOD, mode));
            assertTrue(m.contains(dir.resolve("api-token").toString()) && m.contains("chmod 600"), m);
        }
    }

    @Test
    void aShortOrEmptyTokenIsRefused() throws IOException {
        assertTrue(refusal(file("short", "rw-------")).contains("fewer than 32"));
        assertTrue(refusal(file("", "rw-------")).contains("is empty"));
    }

    @Test
    void aSymbolicLinkIsRefusedEvenToAGoodFile() throws IOException {
        Path real = dir.resolve("real");
        Files.writeString(real, GOOD);
        Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rw-------"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), real);
        assertTrue(refusal(link).contains("symbolic link"));
    }

    @Test
    void aFileOwnedBySomeoneElseIsRefused() throws IOException {
        Path f = file(GOOD, "rw-------");
        UserPrincipal nobody;
        try {
            nobody = f.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
            Files.setOwner(f, nobody);
        } catch (IOException e) {
            Assumptions.abort("cannot give a file to user nobody here (needs root): " + e.getMessage());
            return;
        }
        assertTrue(refusal(f).contains("owned by nobody"));
    }
}
