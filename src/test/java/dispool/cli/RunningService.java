package dispool.cli;

import static io.restassured.RestAssured.given;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The service under @QuarkusTest as its clients find it (contract 4): its URL, and the token file
 * when the service has one (the clients send the token only when the file exists).
 */
final class RunningService {

    private RunningService() {
    }

    static String url() {
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        return "http://localhost:" + port;
    }

    /** The token file the service uses, or a path that does not exist when it has none. */
    static Path tokenFile() {
        Optional<String> f = ConfigProvider.getConfig().getOptionalValue("dispool.api.token-file", String.class);
        return Path.of(f.orElse(System.getProperty("java.io.tmpdir") + "/dispool-test-no-token-" + ProcessHandle.current().pid()));
    }

    static RequestSpecification api() {
        RequestSpecification r = given();
        Path t = tokenFile();
        if (Files.isRegularFile(t)) {
            try {
                r = r.header("Authorization", "Bearer " + Files.readString(t).strip());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return r;
    }

    static void awaitReady(String template, int ready) {
        Awaitility.await().atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(20)).until(() -> {
            Response r = api().get("/api/v1/pools/" + template);
            return r.statusCode() == 200 && r.jsonPath().getInt("ready") == ready && r.jsonPath().getInt("starting") == 0;
        });
    }
}
