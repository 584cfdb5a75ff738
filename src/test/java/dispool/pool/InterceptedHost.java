package dispool.pool;

import dispool.host.QubesHost;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

/**
 * A host whose calls of one method first run a test's code (a slow figure, a refusal), then go
 * to the real host; every other call goes straight through.
 */
final class InterceptedHost {

    /** Runs before each call of the method; throwing stands for the host's answer. */
    interface Before {
        void run(Object[] args) throws Throwable;
    }

    private InterceptedHost() {
    }

    static QubesHost of(QubesHost host, String method, Before before) {
        InvocationHandler h = (proxy, m, args) -> {
            if (m.getName().equals(method)) {
                before.run(args);
            }
            try {
                return m.invoke(host, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (QubesHost) Proxy.newProxyInstance(QubesHost.class.getClassLoader(), new Class<?>[] {QubesHost.class}, h);
    }
}
