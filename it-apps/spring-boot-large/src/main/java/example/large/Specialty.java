package example.large;

import jakarta.persistence.Entity;

/** A veterinary specialty. */
@Entity
public class Specialty extends NamedEntity {}
