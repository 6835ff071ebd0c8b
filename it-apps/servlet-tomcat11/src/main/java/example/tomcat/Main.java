package example.tomcat;

import example.servlets.AppServlets;
import java.io.File;
import java.nio.file.Files;
import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.servlets.DefaultServlet;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

/** Embedded Tomcat on an ephemeral port (or args[0]) serving {@link AppServlets}; runs until killed. */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    File base = Files.createTempDirectory("tomcat").toFile();
    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(base.getAbsolutePath());
    tomcat.setPort(args.length > 0 ? Integer.parseInt(args[0]) : 0);
    Context ctx = tomcat.addContext("", base.getAbsolutePath());
    add(ctx, "default", new DefaultServlet(), "/");
    add(ctx, "users", new AppServlets.UsersServlet(), "/users/*");
    add(ctx, "boom", new AppServlets.ThrowingServlet(), "/boom");
    add(ctx, "unavailable", new AppServlets.UnavailableServlet(), "/unavailable");
    add(ctx, "fwd", new AppServlets.ForwardingServlet(), "/fwd");
    add(ctx, "target", new AppServlets.TargetServlet(), "/target");
    add(ctx, "async", new AppServlets.AsyncServlet(), "/async").setAsyncSupported(true);
    FilterDef def = new FilterDef();
    def.setFilterName("passing");
    def.setFilter(new AppServlets.PassingFilter());
    def.setAsyncSupported("true");
    ctx.addFilterDef(def);
    FilterMap map = new FilterMap();
    map.setFilterName("passing");
    map.addURLPattern("/*");
    ctx.addFilterMap(map);
    tomcat.getConnector();
    tomcat.start();
    AppServlets.ready(tomcat.getConnector().getLocalPort());
    tomcat.getServer().await();
  }

  private static Wrapper add(Context ctx, String name, jakarta.servlet.Servlet servlet, String mapping) {
    Wrapper w = Tomcat.addServlet(ctx, name, servlet);
    ctx.addServletMappingDecoded(mapping, name);
    return w;
  }
}
