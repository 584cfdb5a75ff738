package dispool.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.host.QubesException;
import dispool.pool.DispoolException;
import dispool.pool.HostErrors;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import jakarta.ws.rs.core.Response;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

/** Every kind of failure becomes one of the closed set of codes, with the status the README gives. */
class ErrorMappersTest {

    private final ErrorMappers mappers = new ErrorMappers();

    ErrorMappersTest() {
        mappers.request = new CurrentVertxRequest();
    }

    private static ApiError body(Response r) {
        return (ApiError) r.getEntity();
    }

    /** What the API answers for an error that left the engine (which maps the host's at its boundary). */
    private Response fromEngine(RuntimeException e) {
        return mappers.dispool((DispoolException) HostErrors.atBoundary(e));
    }

    @Test
    void qubesMemoryErrorIs507WithoutLocalPaths() {
        QubesException memory = new QubesException(QubesException.MEMORY_ERROR,
                "Not enough memory to start domain 'disp12' (qmemman at /var/run/qubes/qmemman.sock)");
        for (Response r : new Response[] {fromEngine(memory), fromEngine(new DispoolException(
                DispoolException.Kind.UNAVAILABLE, "web-dvm: the cold disposable disp12 failed", memory))}) {
            assertEquals(507, r.getStatus());
            assertEquals(ErrorCode.INSUFFICIENT_MEMORY, body(r).error());
            assertFalse(body(r).message().contains("/var/run"), body(r).message());
            assertTrue(body(r).message().contains("disp12"), body(r).message());
            assertEquals(null, body(r).field());
        }
    }

    @Test
    void hostErrorsMapByQubesType() {
        Response unreachable = fromEngine(new QubesException(QubesException.DAEMON_ACCESS_ERROR,
                "cannot connect to qubesd at /var/run/qubesd.sock for admin.vm.List: Connection refused"));
        assertEquals(503, unreachable.getStatus());
        assertEquals(ErrorCode.HOST_UNAVAILABLE, body(unreachable).error());
        assertFalse(body(unreachable).message().contains("/var/run/qubesd.sock"), body(unreachable).message());
        assertEquals(404, fromEngine(new QubesException(QubesException.VM_NOT_FOUND, "No such domain: 'x'")).getStatus());
        assertEquals(400, fromEngine(new QubesException(QubesException.VALUE_ERROR, "bad")).getStatus());
        Response other = fromEngine(new QubesException(QubesException.NOT_PAUSED, "Domain is not paused"));
        assertEquals(502, other.getStatus());
        assertEquals(ErrorCode.HOST_ERROR, body(other).error());
        assertEquals("the host refused: QubesVMNotPausedError: Domain is not paused", body(other).message(),
                "the body the API answered when it mapped the host's exception itself");
    }

    @Test
    void engineKindsMapToTheirCodesAndBusyCarriesRetryAfter() {
        Response busy = mappers.dispool(DispoolException.busy("web-dvm: 4 cold starts in flight, the limit", 7));
        assertEquals(429, busy.getStatus());
        assertEquals("7", busy.getHeaderString("Retry-After"));
        assertEquals(ErrorCode.BUSY, body(busy).error());
        Response forbidden = mappers.dispool(DispoolException.forbidden("name", "disp3", "handed out by dispool",
                "disp3 was not handed out by dispool: left alone"));
        assertEquals(403, forbidden.getStatus());
        assertEquals("disp3", body(forbidden).value());
        assertEquals(507, mappers.dispool(new DispoolException(DispoolException.Kind.INSUFFICIENT_MEMORY, "no memory",
                null, null, null)).getStatus());
        assertEquals(503, mappers.dispool(new DispoolException(DispoolException.Kind.UNAVAILABLE, "suspend timed out",
                null, null, null)).getStatus());
    }

    @Test
    void anythingUnexpectedIsInternalWithAnIncidentAndAFullExecutorIsBusy() {
        Response npe = mappers.unexpected(new NullPointerException("pool"));
        assertEquals(500, npe.getStatus());
        assertEquals(ErrorCode.INTERNAL, body(npe).error());
        assertTrue(body(npe).message().contains("incident "), body(npe).message());
        Response rejected = mappers.rejected(new RejectedExecutionException("shut down"));
        assertEquals(429, rejected.getStatus());
        assertEquals("1", rejected.getHeaderString("Retry-After"));
    }
}
