package dev.perfmon.instrumentation.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PathNormalizerTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        // plain paths, root, trailing slash, doubled slashes
        "/                                         | /",
        "''                                        | /",
        "/users                                    | /users",
        "/users/                                   | /users/",
        "//users///list                            | /users/list",
        // digits
        "/users/42                                 | /users/{id}",
        "/users/42/orders/7                        | /users/{id}/orders/{id}",
        "/v2/items                                 | /v2/items",
        "/page2                                    | /page2",
        // UUIDs, any case
        "/files/123e4567-e89b-12d3-a456-426614174000 | /files/{uuid}",
        "/files/123E4567-E89B-12D3-A456-426614174000/meta | /files/{uuid}/meta",
        // hex tokens
        "/commits/9fceb02d0ae598e95dc970b74767f19372d61af8 | /commits/{token}",
        "/objects/507f1f77bcf86cd799439011         | /objects/{token}",
        "/short/1a2b3c4d                           | /short/{token}",
        "/words/deadbeef                           | /words/deadbeef",
        "/words/facade                             | /words/facade",
        // base64 / base64url / JWT-like tokens
        "/reset/dGhpcyBpcyBhIHNlY3JldCB0b2tlbg==   | /reset/{token}",
        "/s/Ab3_kLm9-QrT5uVwXy7Z                   | /s/{token}",
        "/jwt/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NSJ9.c2lnbmF0dXJl | /jwt/{token}",
        "/blog/release-notes-2024-final            | /blog/release-notes-2024-final",
        "/docs/getting-started.html                | /docs/getting-started.html",
        // query strings and fragments never survive
        "/search?q=secret&token=abc                | /search",
        "/users/42?token=secret                    | /users/{id}",
        "/a#frag                                   | /a",
        // path parameters (session ids) are dropped
        "/cart;jsessionid=ABCDEF0123456789/items   | /cart/items",
        "/cart/items;jsessionid=1234               | /cart/items",
        // context path is kept as part of the path
        "/shop/api/orders/99                       | /shop/api/orders/{id}",
        // percent-decoding, unicode, malformed escapes
        "/caf%C3%A9/menu                           | /café/menu",
        "/%E6%97%A5%E6%9C%AC/42                    | /日本/{id}",
        "/straße/1                                 | /straße/{id}",
        "/bad%zzescape                             | /bad%zzescape",
        "/bad%C3                                   | /bad%C3",
        "/a%2Fb/c                                  | /a%2Fb/c",
        // encoded '?', '#' and ';' (any case, also double-encoded) end the path or the segment
        "/x%3Fpassword=hunter2                     | /x",
        "/x%3fpassword=hunter2/more                | /x",
        "/x%23frag/more                            | /x",
        "/x%253Fpassword=hunter2/more              | /x",
        "/x%3Bjsessionid=abc/more                  | /x/more",
        "/x%3bjsessionid=abc                       | /x",
        "/%3Fpassword=hunter2                      | /",
        "/api/users;jsessionid=0123ABCD;v=1/list   | /api/users/list",
        // a token inside a segment
        "/reset/reset-9fceb02d0ae598e95dc970b74767f193 | /reset/{token}",
        "/files/9fceb02d0ae598e9.json               | /files/{token}",
        "/k/key=aB3dE5gH7jK9mN1pQ3rS5tU7vW9xY1zA3   | /k/{token}",
        // absolute-form URIs lose scheme, user-info and host
        "http://user:hunter2@example.com:8080/a/1   | /a/{id}",
        "https://example.com                        | /",
        "/ctl%01char                               | /ctl_char",
      })
  void normalizes(String uri, String expected) {
    assertThat(PathNormalizer.normalize(uri)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "/users/42?x=1                | /users/42",
        "/cart;jsessionid=AB/items    | /cart/items",
        "/caf%C3%A9                   | /café",
        "/x%3Fq=1/y                   | /x",
      })
  void plainPathKeepsVariableSegments(String uri, String expected) {
    assertThat(PathNormalizer.plainPath(uri)).isEqualTo(expected);
  }

  @org.junit.jupiter.api.Test
  void longSegmentsBecomeTokens() {
    String segment = "x".repeat(PathNormalizer.MAX_SEGMENT + 1);
    assertThat(PathNormalizer.normalize("/a/" + segment + "/b")).isEqualTo("/a/{token}/b");
    String exact = "y".repeat(PathNormalizer.MAX_SEGMENT);
    assertThat(PathNormalizer.normalize("/a/" + exact)).isEqualTo("/a/" + exact);
  }

  @org.junit.jupiter.api.Test
  void veryLongPathsAreCutAtASegmentBoundary() {
    StringBuilder uri = new StringBuilder();
    for (int i = 0; i < 500; i++) {
      uri.append("/segment").append((char) ('a' + i % 26));
    }
    String out = PathNormalizer.normalize(uri.toString());
    assertThat(out.length()).isLessThanOrEqualTo(PathNormalizer.MAX_LENGTH);
    assertThat(out).startsWith("/segmenta/segmentb/").endsWith(PathNormalizer.TRUNCATED);
    assertThat(out.substring(0, out.length() - PathNormalizer.TRUNCATED.length()))
        .matches("(/segment[a-z])+");
  }
}
