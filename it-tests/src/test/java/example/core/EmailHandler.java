package example.core;

public class EmailHandler implements Handler {
  @Override
  public int handle(int x) {
    return x * 3;
  }
}
