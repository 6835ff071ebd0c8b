package example.typepool;

/**
 * Types outside the agent's packages (which the agent ignores), for {@code
 * UnloadedLoaderTest}: a class whose super types the agent's matchers describe through a
 * throwaway class loader.
 */
public final class Hierarchy {
  private Hierarchy() {}

  public static class Base implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
  }

  public static class Middle extends Base {
    private static final long serialVersionUID = 1L;
  }

  public static class Leaf extends Middle implements Comparable<Leaf> {
    private static final long serialVersionUID = 1L;

    @Override
    public int compareTo(Leaf o) {
      return 0;
    }
  }
}
