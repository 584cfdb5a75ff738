package dispool.api;

import io.restassured.RestAssured;
import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The test app's API token (profile %test: target/test-api-token, made at the app's first start),
 * sent by rest-assured on every request of every @QuarkusTest, as a client that read the token
 * file would. Tests of refusals use {@link RawHttp}, which sends only what they write.
 */
public class TestToken implements QuarkusTestBeforeEachCallback {

    /** The token the running test app expects. */
    public static String value() {
        Path file = Path.of(ConfigProvider.getConfig().getValue("dispool.api.token-file", String.class));
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("the test app did not make its token file " + file, e);
        }
    }

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        String bearer = "Bearer " + value();
        RestAssured.replaceFiltersWith((request, response, next) -> {
            if (!request.getHeaders().hasHeaderWithName("Authorization")) {
                request.header("Authorization", bearer);
            }
            return next.next(request, response);
        });
    }
}
