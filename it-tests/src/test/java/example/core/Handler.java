package example.core;

public interface Handler {
  int handle(int x);
}
