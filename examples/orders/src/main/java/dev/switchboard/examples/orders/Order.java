package dev.switchboard.examples.orders;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.LocalDateTime;

/**
 * An order as stored. ORDER is a reserved word in SQL, hence the table name; the time is UTC in a
 * LocalDateTime, which every JPA 3.1 provider maps (Instant only from JPA 3.2).
 */
@Entity
@Table(name = "ORDERS")
public class Order {
  @Id @GeneratedValue // AUTO: a sequence or a table, whatever the provider and database do well
  private Long id;

  @Column(nullable = false)
  private String item;

  private int quantity;

  @Column(nullable = false)
  private LocalDateTime createdAt;

  protected Order() {}

  public Order(String item, int quantity, LocalDateTime createdAt) {
    this.item = item;
    this.quantity = quantity;
    this.createdAt = createdAt;
  }

  public Long getId() {
    return id;
  }

  public String getItem() {
    return item;
  }

  public int getQuantity() {
    return quantity;
  }

  public LocalDateTime getCreatedAt() {
    return createdAt;
  }
}
