import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Draws the p99 of each operation per interval, from the CSV of {@code perfmon-agent.jar csv}, as
 * a PNG with Java2D (no plotting package needed). Run as a single source file:
 * {@code java demo/Plot.java stats.csv out.png [title]}. Used by demo/plot.sh.
 */
public final class Plot {
  private static final Color[] COLORS = {
    new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e), new Color(0x9467bd),
    new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf)
  };

  /** Operations with fewer intervals than this (set-up calls such as CREATE TABLE) are left out. */
  private static final int MIN_POINTS = 5;

  public static void main(String[] args) throws Exception {
    List<String> lines = Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8);
    String title = args.length > 2 ? args[2] : "p99 per interval (ms, log scale)";
    List<String> header = cells(lines.get(0));
    int uptime = header.indexOf("uptime_s");
    int op = header.indexOf("operation");
    int p99 = header.indexOf("p99_ms");
    Map<String, List<double[]>> series = new LinkedHashMap<>();
    double maxX = 0;
    double minY = Double.MAX_VALUE;
    double maxY = 0;
    for (String line : lines.subList(1, lines.size())) {
      List<String> c = cells(line);
      if (c.get(p99).isEmpty()) {
        continue; // an interval without calls
      }
      double x = Double.parseDouble(c.get(uptime));
      double y = Double.parseDouble(c.get(p99));
      series.computeIfAbsent(c.get(op), k -> new ArrayList<>()).add(new double[] {x, y});
      maxX = Math.max(maxX, x);
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
    }
    series.values().removeIf(points -> points.size() < MIN_POINTS);
    minY = Double.MAX_VALUE;
    maxY = 0;
    maxX = 0;
    for (List<double[]> points : series.values()) {
      for (double[] p : points) {
        minY = Math.min(minY, p[1]);
        maxY = Math.max(maxY, p[1]);
        maxX = Math.max(maxX, p[0]);
      }
    }
    int w = 960;
    int h = 440;
    int left = 70;
    int right = 20;
    int top = 40;
    int bottom = 50 + 18 * ((series.size() + 1) / 2);
    BufferedImage img = new BufferedImage(w, h + bottom - 50, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, img.getWidth(), img.getHeight());
    int plotW = w - left - right;
    int plotH = h - top - 50;
    double lo = Math.floor(Math.log10(minY));
    double hi = Math.ceil(Math.log10(maxY));
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    g.setColor(Color.BLACK);
    g.drawString(title, left, 25);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    FontMetrics fm = g.getFontMetrics();
    // Grid and axes: a line per power of ten, a tick every 5 s.
    for (double d = lo; d <= hi; d++) {
      int y = top + plotH - (int) Math.round((d - lo) / (hi - lo) * plotH);
      g.setColor(new Color(0xdddddd));
      g.drawLine(left, y, left + plotW, y);
      g.setColor(Color.DARK_GRAY);
      String label = fmt(Math.pow(10, d));
      g.drawString(label, left - 8 - fm.stringWidth(label), y + 4);
    }
    double xMax = Math.ceil(maxX / 5) * 5;
    for (double x = 0; x <= xMax; x += 5) {
      int px = left + (int) Math.round(x / xMax * plotW);
      g.setColor(new Color(0xeeeeee));
      g.drawLine(px, top, px, top + plotH);
      g.setColor(Color.DARK_GRAY);
      String label = fmt(x);
      g.drawString(label, px - fm.stringWidth(label) / 2, top + plotH + 16);
    }
    g.drawString("seconds since start", left + plotW / 2 - 50, top + plotH + 34);
    g.setColor(Color.GRAY);
    g.drawRect(left, top, plotW, plotH);
    int i = 0;
    for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
      Color color = COLORS[i % COLORS.length];
      g.setColor(color);
      // Wider lines first: a series that runs on top of an earlier one (placeOrder and the
      // payment.charge it calls) leaves the earlier one visible at its edges.
      g.setStroke(new BasicStroke(Math.max(1.5f, 5f - 1.2f * i)));
      int[] xs = new int[e.getValue().size()];
      int[] ys = new int[xs.length];
      for (int k = 0; k < xs.length; k++) {
        double[] p = e.getValue().get(k);
        xs[k] = left + (int) Math.round(p[0] / xMax * plotW);
        ys[k] = top + plotH - (int) Math.round((Math.log10(p[1]) - lo) / (hi - lo) * plotH);
        g.fillOval(xs[k] - 3, ys[k] - 3, 6, 6);
      }
      g.drawPolyline(xs, ys, xs.length);
      int lx = left + (i % 2) * (plotW / 2);
      int ly = top + plotH + 58 + 18 * (i / 2);
      g.fillRect(lx, ly - 9, 18, 4);
      g.setColor(Color.BLACK);
      String name = e.getKey().length() > 60 ? e.getKey().substring(0, 57) + "..." : e.getKey();
      g.drawString(name, lx + 24, ly - 3);
      i++;
    }
    g.dispose();
    ImageIO.write(img, "png", new File(args[1]));
  }

  private static String fmt(double v) {
    return v >= 1 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%s", v);
  }

  /** One CSV line's cells (RFC 4180 quoting, as the csv command writes it). */
  private static List<String> cells(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char ch = line.charAt(i);
      if (quoted) {
        if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cell.append('"');
          i++;
        } else if (ch == '"') {
          quoted = false;
        } else {
          cell.append(ch);
        }
      } else if (ch == '"') {
        quoted = true;
      } else if (ch == ',') {
        out.add(cell.toString());
        cell.setLength(0);
      } else {
        cell.append(ch);
      }
    }
    out.add(cell.toString());
    return out;
  }
}
