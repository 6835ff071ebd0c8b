package example.core;

/** A subclass of a subclass: still a subtype of Handler. */
public class SmsHandler extends EmailHandler {
  @Override
  public int handle(int x) {
    return super.handle(x) + 1;
  }
}
