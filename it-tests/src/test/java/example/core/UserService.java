package example.core;

public class UserService {
  public String getUser(int id) {
    return "user-" + id;
  }

  /** Throws for odd ids: half the calls are errors. */
  public int validate(int id) {
    if (id % 2 != 0) {
      throw new IllegalArgumentException("odd id " + id);
    }
    return id / 2;
  }

  public long fib(int n) {
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
  }

  public void sleep50() throws InterruptedException {
    Thread.sleep(50);
  }
}
