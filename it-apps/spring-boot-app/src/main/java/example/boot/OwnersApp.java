package example.boot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;

/** A Spring MVC application on embedded Tomcat; prints READY port=N once it serves requests. */
@SpringBootApplication
@RestController
public class OwnersApp {

  public static void main(String[] args) {
    SpringApplication.run(OwnersApp.class, args);
  }

  @GetMapping("/owners/{ownerId}")
  public String owner(@PathVariable("ownerId") long ownerId) {
    return "owner " + ownerId;
  }

  @GetMapping("/owners/{ownerId}/pets/{petId}")
  public DeferredResult<String> pet(
      @PathVariable("ownerId") long ownerId, @PathVariable("petId") long petId) {
    DeferredResult<String> result = new DeferredResult<>();
    new Thread(
            () -> {
              try {
                Thread.sleep(150);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              result.setResult("pet " + petId + " of " + ownerId);
            },
            "pet-loader")
        .start();
    return result;
  }

  @EventListener
  public void ready(ApplicationReadyEvent event) {
    int port = ((WebServerApplicationContext) event.getApplicationContext()).getWebServer().getPort();
    System.out.println("READY port=" + port);
    System.out.flush();
  }
}
