package example.large;

import com.fasterxml.jackson.annotation.JsonIgnore;
import jakarta.persistence.CascadeType;
import jakarta.persistence.Entity;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.OneToMany;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/** A pet of an owner. */
@Entity
public class Pet extends NamedEntity {
  private LocalDate birthDate;

  @ManyToOne private PetType type;

  @JsonIgnore @ManyToOne private Owner owner;

  @OneToMany(mappedBy = "pet", cascade = CascadeType.ALL)
  private List<Visit> visits = new ArrayList<>();

  public LocalDate getBirthDate() {
    return birthDate;
  }

  public void setBirthDate(LocalDate birthDate) {
    this.birthDate = birthDate;
  }

  public PetType getType() {
    return type;
  }

  public void setType(PetType type) {
    this.type = type;
  }

  public Owner getOwner() {
    return owner;
  }

  void setOwner(Owner owner) {
    this.owner = owner;
  }

  public List<Visit> getVisits() {
    return visits;
  }
}
