package dispool.host.qemu;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** A guest's directory in the state directory: sockets, pid file, logs, disk overlay. */
final class GuestDirs {

    /** Walks of one directory before a writer that keeps adding files is reported. */
    static final int ATTEMPTS = 3;

    private GuestDirs() {
    }

    /**
     * Removes a guest's directory. A QEMU that is exiting may still create a file in it after
     * the walk listed it (the directory is then not empty): the walk is repeated a few times
     * before that is an error naming the directory.
     */
    static void delete(Path dir) {
        if (!tryDelete(dir)) {
            throw new IllegalStateException("cannot remove " + dir + ": files kept appearing in it over " + ATTEMPTS
                    + " attempts; a process still writes there (fuser -v " + dir + " names it)");
        }
    }

    /** Removes a guest's directory; false when files kept appearing in it while it was removed. */
    static boolean tryDelete(Path dir) {
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                walkDeleting(dir);
                return true;
            } catch (DirectoryNotEmptyException e) {
                // a writer added a file behind the walk: walk again
            } catch (NoSuchFileException e) {
                return true; // already gone
            } catch (IOException e) {
                throw new IllegalStateException("cannot remove " + dir + ": " + e.getMessage(), e);
            }
        }
        return false;
    }

    /** QEMU unlinks its own sockets as it exits, possibly during the walk: a file that vanished is not an error. */
    private static void walkDeleting(Path dir) throws IOException {
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
