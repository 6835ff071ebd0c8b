package dev.perfmon.it.servlet.webapp;

import java.io.IOException;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.servlet.AsyncContext;
import javax.servlet.ServletException;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * The servlet of the web application that {@link dev.perfmon.it.servlet.RedeployApp} deploys and
 * undeploys again and again. Never loaded from the class path: RedeployApp copies this class file
 * (and {@link Work}'s) into each deployment's {@code WEB-INF/classes}, and the H2 driver jar into its
 * {@code WEB-INF/lib}, so every deployment's web-app class loader defines its own copies of these
 * classes and of the driver's, as a web application that bundles its JDBC driver does.
 *
 * <p>{@code GET /q} runs JDBC statements against an in-memory H2 database (JDBC advice in the web
 * application's driver classes) and calls {@link Work#sum} (method advice from {@code methods=});
 * {@code GET /async} completes asynchronously (the servlet instrumentation's async listener). Each
 * answers with {@code <identity of the servlet's class loader>:<value>}, so the application can
 * check that the servlet came from the web-app class loader.
 */
public final class LeakServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final String URL = "jdbc:h2:mem:webapp";
  /** Servlet context attribute: the server's {@link ScheduledExecutorService} for async requests. */
  public static final String COMPLETER = "redeploy.completer";

  @Override
  public void init() throws ServletException {
    try {
      Class.forName("org.h2.Driver"); // the web application's own copy, which registers itself
    } catch (ClassNotFoundException e) {
      throw new ServletException(e);
    }
  }

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    String loader = System.identityHashCode(getClass().getClassLoader()) + ":";
    resp.setContentType("text/plain");
    if ("/async".equals(req.getServletPath())) {
      AsyncContext async = req.startAsync();
      resp.getWriter().print(loader + "-1");
      // Completed by the server's thread (see RedeployApp), not one of this application's: a
      // thread started here would inherit this class loader as its context class loader.
      ScheduledExecutorService completer =
          (ScheduledExecutorService) getServletContext().getAttribute(COMPLETER);
      java.util.concurrent.Future<?> unused = completer.schedule(async::complete, 20, TimeUnit.MILLISECONDS);
      return;
    }
    try {
      resp.getWriter().print(loader + (query() + new Work().sum(3)));
    } catch (SQLException e) {
      throw new IOException(e);
    }
  }

  /** 1 + 40: the row count and the value of the row with id 1. */
  private static long query() throws SQLException {
    try (Connection c = DriverManager.getConnection(URL, "sa", "");
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS redeploy_values (id INT PRIMARY KEY, v BIGINT)");
      s.execute("MERGE INTO redeploy_values KEY (id) VALUES (1, 40)");
      long sum = 0;
      try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM redeploy_values")) {
        while (rs.next()) {
          sum += rs.getLong(1);
        }
      }
      try (PreparedStatement ps = c.prepareStatement("SELECT v FROM redeploy_values WHERE id = ?")) {
        ps.setInt(1, 1);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            sum += rs.getLong(1);
          }
        }
      }
      return sum;
    }
  }

  /** A well-behaved web application deregisters the drivers it registered. */
  @Override
  public void destroy() {
    for (Driver d : Collections.list(DriverManager.getDrivers())) {
      if (d.getClass().getClassLoader() == getClass().getClassLoader()) {
        try {
          DriverManager.deregisterDriver(d);
        } catch (SQLException e) {
          // nothing more to do
        }
      }
    }
  }
}
