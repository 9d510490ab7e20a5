// Starts AWS DynamoDB Local listening on one address only (default 127.0.0.1; -Ddynamodb.host=ADDR).
//
// DynamoDB Local's own main (ServerRunner) has no option for the address: its Jetty server listens on
// every interface. This does what that main does, through the same public factory, and sets the host of
// the Jetty connector before the server starts. Telemetry is not configured (run it with
// -disableTelemetry). authorize_local.embedded_db compiles this file with the JDK's javac on first use
// (into .local/, never committed) and runs it with DynamoDB Local's jars on the class path:
//
//   java -cp <classes>:DynamoDBLocal.jar:DynamoDBLocal_lib/* LoopbackDynamoDBLocal -sharedDb -port 8000 ...
import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.CommandLineInput;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

public final class LoopbackDynamoDBLocal {
    private LoopbackDynamoDBLocal() {}

    public static void main(String[] args) throws Exception {
        if (!new CommandLineInput(args).init()) {
            return; // -help or -version: printed by DynamoDB Local
        }
        String host = System.getProperty("dynamodb.host", "127.0.0.1");
        DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
        Field field = DynamoDBProxyServer.class.getDeclaredField("server");
        field.setAccessible(true);
        Server server = (Server) field.get(proxy);
        Connector[] connectors = server.getConnectors();
        if (connectors.length == 0) {
            throw new IllegalStateException("DynamoDB Local has no connector to bind");
        }
        for (Connector connector : connectors) {
            ((ServerConnector) connector).setHost(host);
        }
        proxy.start();
        proxy.join();
    }
}
