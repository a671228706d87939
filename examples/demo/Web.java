import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.LocalTime;

/** The demo's web process: an HTTP server on $PORT that needs nothing but a JDK (java Web.java). */
public class Web {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "5000"));
        String dyno = System.getenv().getOrDefault("DYNO", "web");
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/", exchange -> {
            byte[] body = (System.getenv().getOrDefault("GREETING", "Hello") + " (" + dyno + ", " + LocalTime.now()
                    + ")\n").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
            System.out.println("\u001b[32m" + exchange.getRequestMethod() + "\u001b[0m " + exchange.getRequestURI() + " 200");
        });
        server.start();
        System.out.println("listening on http://127.0.0.1:" + port + "/");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("SIGTERM received, closing connections");
            server.stop(0);
        }));
    }
}
