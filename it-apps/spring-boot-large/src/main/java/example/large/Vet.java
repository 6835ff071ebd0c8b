package example.large;

import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.ManyToMany;
import java.util.HashSet;
import java.util.Set;

/** A veterinarian. */
@Entity
public class Vet extends NamedEntity {
  @ManyToMany(fetch = FetchType.EAGER)
  private Set<Specialty> specialties = new HashSet<>();

  public Set<Specialty> getSpecialties() {
    return specialties;
  }
}
