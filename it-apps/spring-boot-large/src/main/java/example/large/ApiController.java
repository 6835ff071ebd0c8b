package example.large;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.Map;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The JSON API, {@code /ping} (ready) and {@code /memory} (the JVM's heap, for the benchmark). */
@RestController
@Validated
public class ApiController {
  private final ClinicService clinic;

  ApiController(ClinicService clinic) {
    this.clinic = clinic;
  }

  /** Cheap: answers as soon as the application serves requests. */
  @GetMapping("/ping")
  public String ping() {
    return "ok";
  }

  /** Heap used and committed, in bytes. */
  @GetMapping("/memory")
  public String memory() {
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    return "used=" + heap.getUsed() + " committed=" + heap.getCommitted();
  }

  @GetMapping("/api/vets")
  public List<Vet> vets() {
    return clinic.vets();
  }

  @GetMapping("/api/owners")
  public List<Owner> owners(@RequestParam(name = "city", defaultValue = "Madison") String city) {
    return clinic.inCity(city);
  }

  @GetMapping("/api/owners/{id}")
  public Owner owner(@PathVariable("id") long id) {
    return clinic.owner(id);
  }

  /** A new visit: {@code {"description": "..."}}. */
  public record NewVisit(@NotBlank String description) {}

  @PostMapping("/api/pets/{petId}/visits")
  public Map<String, Object> visit(@PathVariable("petId") long petId, @Valid @RequestBody NewVisit body) {
    Visit v = clinic.addVisit(petId, body.description());
    return Map.of("id", v.getId(), "visits", clinic.visitsOf(petId));
  }
}
