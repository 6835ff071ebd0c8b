package example.large;

import jakarta.persistence.CascadeType;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.OneToMany;
import jakarta.validation.constraints.Pattern;
import java.util.ArrayList;
import java.util.List;

/** A pet owner. */
@Entity
public class Owner extends NamedEntity {
  private String city;

  @Pattern(regexp = "\\d{6,12}")
  private String telephone;

  @OneToMany(mappedBy = "owner", cascade = CascadeType.ALL, fetch = FetchType.LAZY)
  private List<Pet> pets = new ArrayList<>();

  public String getCity() {
    return city;
  }

  public void setCity(String city) {
    this.city = city;
  }

  public String getTelephone() {
    return telephone;
  }

  public void setTelephone(String telephone) {
    this.telephone = telephone;
  }

  public List<Pet> getPets() {
    return pets;
  }

  /** Adds a pet to this owner. */
  public void addPet(Pet pet) {
    pet.setOwner(this);
    pets.add(pet);
  }
}
