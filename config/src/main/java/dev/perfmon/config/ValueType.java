package dev.perfmon.config;

/**
 * How a key's text value is parsed and shown. {@link #parse} throws {@link
 * IllegalArgumentException} for a bad value; the loader turns that into one message naming the
 * key, the value, its source and {@link #expectedForm()}.
 *
 * @param <T> the parsed type
 */
public interface ValueType<T> {
  T parse(String text);

  /** The expected form, for error messages and generated docs, e.g. "a duration such as 250ms". */
  String expectedForm();

  /** The value written back in the form {@link #parse} accepts (docs, status output). */
  default String format(T value) {
    return String.valueOf(value);
  }
}
