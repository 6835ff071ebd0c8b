package dev.perfmon.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GlobsTest {

  @ParameterizedTest(name = "{0} ~ {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "com.example.Foo      | com.example.Foo          | true",
        "com.example.Foo      | com.example.Foo2         | false",
        "com.example.Foo      | com.example.Fo           | false",
        "com.example.*        | com.example.Foo          | true",
        "com.example.*        | com.example.sub.deep.Foo | true",
        "com.example.*        | com.example.             | true",
        "com.example.*        | com.example              | false",
        "com.example.*        | com.examples.Foo         | false",
        "*Service             | com.example.UserService  | true",
        "*Service             | com.example.ServiceImpl  | false",
        "*Service*            | com.example.ServiceImpl  | true",
        "com.*.repo.*Repo     | com.a.b.repo.UserRepo    | true",
        "com.*.repo.*Repo     | com.a.b.repo.UserRepoX   | false",
        "find*                | find                     | true",
        "find*                | findAll                  | true",
        "find*                | refind                   | false",
        "*                    | ''                       | true",
        "''                   | ''                       | true",
        "''                   | a                        | false",
        "**                   | abc                      | true",
        "a*b*c                | aXbYc                    | true",
        "a*b*c                | abcabc                   | true",
        "a*b*c                | acb                      | false",
        "a*a*a*a*b            | aaaaaaaaaaaaaaaaaaaaaaaa | false",
        "get?                 | getX                     | true",
        "get?                 | get                      | false",
        "get?                 | getXY                    | false",
        "jdbc.SELECT * FROM t | jdbc.SELECT * FROM t     | true",
        "jdbc.SELECT * FROM t | jdbc.SELECT a, b FROM t  | true",
        "jdbc.* WHERE id = ?  | jdbc.SELECT x WHERE id = ? | true",
        "Com.example.*        | com.example.Foo          | false",
      })
  void matchesTable(String glob, String text, boolean expected) {
    assertThat(Globs.matches(glob, text)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "com.example.*Repo | com.example.",
        "com.example.Foo   | com.example.Foo",
        "*Service          | ''",
        "get?x             | get",
      })
  void literalPrefixStopsAtTheFirstWildcard(String glob, String prefix) {
    assertThat(Globs.literalPrefix(glob)).isEqualTo(prefix);
    assertThat(Globs.isLiteral(glob)).isEqualTo(prefix.equals(glob));
  }
}
