package dispool.app;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;

/**
 * Turns the one setting {@code dispool.api.socket} into the three Quarkus needs to serve HTTP on
 * a Unix socket: the path, the switch, and Netty's native transport (Vert.x has domain sockets
 * only on it). Unset, Quarkus' own values apply; so they do for a tool run (the {@code cli}
 * profile turns the TCP listener off), which must never take the running service's socket.
 */
public class ApiSocketConfig implements ConfigSourceInterceptor {

    static final String SOCKET = "dispool.api.socket";

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        boolean derived = name.equals("quarkus.http.domain-socket") || name.equals("quarkus.http.domain-socket-enabled")
                || name.equals("quarkus.vertx.prefer-native-transport");
        if (!derived) {
            return context.proceed(name);
        }
        ConfigValue socket = context.proceed(SOCKET);
        ConfigValue serving = context.proceed("quarkus.http.host-enabled");
        if (socket == null || socket.getValue() == null || socket.getValue().isBlank()
                || (serving != null && "false".equalsIgnoreCase(serving.getValue()))) {
            return context.proceed(name);
        }
        String value = name.equals("quarkus.http.domain-socket") ? socket.getValue().trim() : "true";
        return socket.from().withName(name).withValue(value).build();
    }
}
