package dev.perfmon.instrumentation.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JdbcUrlsTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "jdbc:h2:mem:test;DB_CLOSE_DELAY=-1|jdbc:h2:mem:test",
        "jdbc:postgresql://127.0.0.1:5432/test?user=postgres&password=s3cret|jdbc:postgresql://127.0.0.1:5432/test",
        "jdbc:postgresql://bob:s3cret@db.example.com/app|jdbc:postgresql://db.example.com/app",
        "jdbc:mariadb://127.0.0.1:3306/test|jdbc:mariadb://127.0.0.1:3306/test",
        "jdbc:oracle:thin:scott/tiger@dbhost:1521:orcl|jdbc:oracle:thin:dbhost:1521:orcl",
        "jdbc:sqlserver://host:1433;databaseName=x;password=y|jdbc:sqlserver://host:1433",
        "jdbc:mysql://(host=a,user=u,password=p)/db|jdbc:mysql://",
        "jdbc:weird:password-in-path/db|jdbc:weird:",
      })
  void stripsCredentialsAndParameters(String in, String expected) {
    assertThat(JdbcUrls.sanitize(in)).isEqualTo(expected);
  }
}
