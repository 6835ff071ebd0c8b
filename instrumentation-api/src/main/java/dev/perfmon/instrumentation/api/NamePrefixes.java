package dev.perfmon.instrumentation.api;

import java.util.ArrayList;
import java.util.List;

/**
 * A fixed set of name prefixes, asked whether a name starts with one of them in one pass over the
 * name's first characters (a trie in flat arrays), instead of one {@code startsWith} per prefix.
 *
 * <p>The transformer asks such questions of every class a JVM loads, several times each (the
 * JDBC module's 47 irrelevant packages once per JDBC type test, the packages never transformed);
 * with {@code startsWith} a name outside every prefix was compared with each of them. Here the
 * work is bounded by the length of the longest prefix, and a name usually leaves the trie within
 * its first few characters ({@code org.springframework.} leaves at {@code org.sp}).
 *
 * <p>Immutable and thread-safe; allocates nothing when asked.
 */
public final class NamePrefixes {
  /** The edges of node {@code n} are {@code [firstEdge[n], firstEdge[n + 1])}. */
  private final int[] firstEdge;

  private final char[] edgeChar;
  private final int[] edgeTarget;
  /** Whether a prefix ends at node {@code n}. */
  private final boolean[] end;

  private NamePrefixes(int[] firstEdge, char[] edgeChar, int[] edgeTarget, boolean[] end) {
    this.firstEdge = firstEdge;
    this.edgeChar = edgeChar;
    this.edgeTarget = edgeTarget;
    this.end = end;
  }

  /** The prefixes given (none: nothing matches; an empty prefix: everything matches). */
  public static NamePrefixes of(String... prefixes) {
    // Build a tree of nodes, then number them breadth first so that a node's edges are contiguous.
    Node root = new Node();
    for (String p : prefixes) {
      Node n = root;
      for (int i = 0; i < p.length() && !n.end; i++) {
        n = n.child(p.charAt(i));
      }
      n.end = true;
    }
    List<Node> order = new ArrayList<>();
    order.add(root);
    for (int i = 0; i < order.size(); i++) {
      Node n = order.get(i);
      if (!n.end) { // nothing below the end of a prefix can change the answer
        order.addAll(n.children);
      }
    }
    int[] firstEdge = new int[order.size() + 1];
    char[] edgeChar = new char[order.size() - 1];
    int[] edgeTarget = new int[order.size() - 1];
    boolean[] end = new boolean[order.size()];
    int edge = 0;
    int next = 1;
    for (int i = 0; i < order.size(); i++) {
      Node n = order.get(i);
      end[i] = n.end;
      firstEdge[i] = edge;
      if (!n.end) {
        for (int k = 0; k < n.children.size(); k++) {
          edgeChar[edge] = n.chars.get(k);
          edgeTarget[edge] = next++;
          edge++;
        }
      }
    }
    firstEdge[order.size()] = edge;
    return new NamePrefixes(firstEdge, edgeChar, edgeTarget, end);
  }

  /** True when {@code name} starts with one of the prefixes. */
  public boolean matches(String name) {
    int node = 0;
    int n = name.length();
    for (int i = 0; ; i++) {
      if (end[node]) {
        return true;
      }
      if (i == n) {
        return false;
      }
      char c = name.charAt(i);
      int e = firstEdge[node];
      int last = firstEdge[node + 1];
      while (e < last && edgeChar[e] != c) {
        e++;
      }
      if (e == last) {
        return false;
      }
      node = edgeTarget[e];
    }
  }

  /** A node of the tree {@link #of} builds before flattening it. */
  private static final class Node {
    final List<Character> chars = new ArrayList<>();
    final List<Node> children = new ArrayList<>();
    boolean end;

    Node child(char c) {
      for (int k = 0; k < chars.size(); k++) {
        if (chars.get(k) == c) {
          return children.get(k);
        }
      }
      Node n = new Node();
      chars.add(c);
      children.add(n);
      return n;
    }
  }
}
