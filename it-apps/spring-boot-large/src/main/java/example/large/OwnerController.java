package example.large;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;

/** Owner pages, rendered by Thymeleaf. */
@Controller
public class OwnerController {
  private final ClinicService clinic;

  OwnerController(ClinicService clinic) {
    this.clinic = clinic;
  }

  @GetMapping("/owners")
  public String list(
      @RequestParam(name = "name", defaultValue = "") String name,
      @RequestParam(name = "page", defaultValue = "0") int page,
      Model model) {
    model.addAttribute("owners", clinic.owners(name, page).getContent());
    return "owners";
  }

  @GetMapping("/owners/{id}")
  public String show(@PathVariable("id") long id, Model model) {
    model.addAttribute("owner", clinic.owner(id));
    return "owner";
  }
}
