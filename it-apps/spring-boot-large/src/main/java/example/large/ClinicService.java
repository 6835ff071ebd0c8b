package example.large;

import example.large.Repositories.OwnerRepository;
import example.large.Repositories.PetRepository;
import example.large.Repositories.PetTypeRepository;
import example.large.Repositories.SpecialtyRepository;
import example.large.Repositories.VetRepository;
import example.large.Repositories.VisitRepository;
import java.time.LocalDate;
import java.util.List;
import org.springframework.boot.CommandLineRunner;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The clinic's operations; fills the database at start-up. */
@Service
public class ClinicService implements CommandLineRunner {
  private final OwnerRepository owners;
  private final PetRepository pets;
  private final PetTypeRepository types;
  private final VisitRepository visits;
  private final VetRepository vets;
  private final SpecialtyRepository specialties;

  ClinicService(
      OwnerRepository owners,
      PetRepository pets,
      PetTypeRepository types,
      VisitRepository visits,
      VetRepository vets,
      SpecialtyRepository specialties) {
    this.owners = owners;
    this.pets = pets;
    this.types = types;
    this.visits = visits;
    this.vets = vets;
    this.specialties = specialties;
  }

  @Override
  @Transactional
  public void run(String... args) {
    String[] kinds = {"cat", "dog", "bird", "hamster"};
    for (String k : kinds) {
      PetType t = new PetType();
      t.setName(k);
      types.save(t);
    }
    Specialty surgery = new Specialty();
    surgery.setName("surgery");
    specialties.save(surgery);
    for (int v = 0; v < 4; v++) {
      Vet vet = new Vet();
      vet.setName("Vet " + v);
      if (v % 2 == 0) {
        vet.getSpecialties().add(surgery);
      }
      vets.save(vet);
    }
    for (int i = 0; i < 20; i++) {
      Owner o = new Owner();
      o.setName("Owner " + i);
      o.setCity(i % 2 == 0 ? "Madison" : "Monona");
      o.setTelephone("6085551" + (100 + i));
      Pet p = new Pet();
      p.setName("Pet " + i);
      p.setBirthDate(LocalDate.of(2020, 1 + i % 12, 1));
      p.setType(types.findByName(kinds[i % kinds.length]));
      o.addPet(p);
      Visit visit = new Visit();
      visit.setDescription("check-up");
      visit.setPet(p);
      p.getVisits().add(visit);
      owners.save(o);
    }
  }

  @Transactional(readOnly = true)
  public Page<Owner> owners(String prefix, int page) {
    return owners.findByNameStartingWithIgnoreCase(prefix, PageRequest.of(page, 10));
  }

  @Transactional(readOnly = true)
  public Owner owner(long id) {
    Owner o = owners.findById(id).orElseThrow(() -> new NotFound("owner " + id));
    o.getPets().forEach(p -> org.hibernate.Hibernate.initialize(p.getVisits()));
    return o;
  }

  @Transactional(readOnly = true)
  public List<Owner> inCity(String city) {
    return owners.inCity(city);
  }

  @Transactional(readOnly = true)
  public List<Vet> vets() {
    return vets.findAll();
  }

  @Transactional
  public Visit addVisit(long petId, String description) {
    Pet p = pets.findById(petId).orElseThrow(() -> new NotFound("pet " + petId));
    Visit v = new Visit();
    v.setPet(p);
    v.setDescription(description);
    return visits.save(v);
  }

  public long visitsOf(long petId) {
    return visits.countByPetId(petId);
  }

  /** A missing entity: 404. */
  @org.springframework.web.bind.annotation.ResponseStatus(org.springframework.http.HttpStatus.NOT_FOUND)
  static final class NotFound extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotFound(String what) {
      super(what + " not found");
    }
  }
}
