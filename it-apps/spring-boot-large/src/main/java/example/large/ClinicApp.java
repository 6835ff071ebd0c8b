package example.large;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.data.jpa.repository.config.EnableJpaRepositories;

/**
 * A veterinary clinic of the size real applications have: Spring MVC with Thymeleaf views, Spring
 * Data JPA on Hibernate and H2, Bean Validation, caching and Actuator, on embedded Tomcat. Serves
 * {@code GET /ping} once it is ready (the start-up benchmark polls it).
 */
@SpringBootApplication
@EnableCaching
@EnableJpaRepositories(considerNestedRepositories = true)
public class ClinicApp {

  public static void main(String[] args) {
    SpringApplication.run(ClinicApp.class, args);
  }
}
