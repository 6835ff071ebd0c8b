package example.jetty;

import example.servlets.AppServlets;
import javax.servlet.DispatcherType;
import java.util.EnumSet;
import org.eclipse.jetty.servlet.FilterHolder;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** Embedded Jetty 10 on an ephemeral port serving {@link AppServlets}; runs until killed. */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setPort(args.length > 0 ? Integer.parseInt(args[0]) : 0);
    server.addConnector(connector);
    ServletContextHandler ctx = new ServletContextHandler();
    ctx.setContextPath("/");
    ctx.addServlet(new ServletHolder(new AppServlets.UsersServlet()), "/users/*");
    ctx.addServlet(new ServletHolder(new AppServlets.ThrowingServlet()), "/boom");
    ctx.addServlet(new ServletHolder(new AppServlets.UnavailableServlet()), "/unavailable");
    ctx.addServlet(new ServletHolder(new AppServlets.ForwardingServlet()), "/fwd");
    ctx.addServlet(new ServletHolder(new AppServlets.TargetServlet()), "/target");
    ServletHolder async = new ServletHolder(new AppServlets.AsyncServlet());
    async.setAsyncSupported(true);
    ctx.addServlet(async, "/async");
    FilterHolder filter = new FilterHolder(new AppServlets.PassingFilter());
    filter.setAsyncSupported(true);
    ctx.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));
    server.setHandler(ctx);
    server.start();
    AppServlets.ready(connector.getLocalPort());
    server.join();
  }
}
