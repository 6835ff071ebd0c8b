package example.large;

import java.util.List;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

/** The Spring Data repositories. */
final class Repositories {
  private Repositories() {}

  /** Owners. */
  interface OwnerRepository extends JpaRepository<Owner, Long> {
    Page<Owner> findByNameStartingWithIgnoreCase(String name, Pageable pageable);

    @Query("select distinct o from Owner o left join fetch o.pets where o.city = :city")
    List<Owner> inCity(@Param("city") String city);
  }

  /** Pets. */
  interface PetRepository extends JpaRepository<Pet, Long> {
    List<Pet> findByOwnerId(Long ownerId);
  }

  /** Pet types. */
  interface PetTypeRepository extends JpaRepository<PetType, Long> {
    PetType findByName(String name);
  }

  /** Visits. */
  interface VisitRepository extends JpaRepository<Visit, Long> {
    long countByPetId(Long petId);
  }

  /** Vets; the list is cached. */
  interface VetRepository extends JpaRepository<Vet, Long> {
    @Cacheable("vets")
    @Override
    List<Vet> findAll();
  }

  /** Specialties. */
  interface SpecialtyRepository extends JpaRepository<Specialty, Long> {}
}
